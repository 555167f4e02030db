import type { RegistryKind, RegistryProfile } from '@deployer/contracts';
import * as z from 'zod';
import { registryKinds } from './registry-kinds.js';
import type { SameType } from './same-type.js';

export { registryKinds };

export const RegistryKindSchema = z.enum(registryKinds);

export const RegistryProfileSchema = z.strictObject({
  kind: RegistryKindSchema,
  /** Repository paths deeper than the registry's own layout (`repo/service/uuid`) are allowed. */
  nestedPaths: z.boolean(),
  /** Pushing to a repository that does not exist yet creates it. */
  createsRepositoriesOnPush: z.boolean(),
  /** BuildKit's registry cache export with `mode=max` is accepted; else the cache travels inline. */
  acceptsModeMax: z.boolean(),
  /** Extra `--export-cache` attributes the registry needs. */
  exportAttributes: z.record(z.string(), z.string()),
});
// @deployer/contracts owns `RegistryProfile` (a cache plan carries one); the schema parses exactly it.
const _schemaParsesContractProfile: SameType<z.output<typeof RegistryProfileSchema>, RegistryProfile> = true;

const profiles: Record<RegistryKind, RegistryProfile> = {
  distribution: profile('distribution', true, true, true),
  // ECR repositories must exist before a push (unless a creation template says otherwise), and it
  // rejects BuildKit's cache-config manifest unless it is written as an OCI image manifest.
  ecr: profile('ecr', true, false, true, { 'image-manifest': 'true', 'oci-mediatypes': 'true' }),
  gar: profile('gar', true, true, true),
  ghcr: profile('ghcr', true, true, true),
  acr: profile('acr', true, true, true),
  // Docker Hub has exactly namespace/repository: no deeper paths.
  dockerhub: profile('dockerhub', false, true, true),
  harbor: profile('harbor', true, true, true),
  // quay.io allows namespace/repository only and refuses BuildKit's cache-config media type.
  quay: profile('quay', false, true, false),
};

function profile(
  kind: RegistryKind,
  nestedPaths: boolean,
  createsRepositoriesOnPush: boolean,
  acceptsModeMax: boolean,
  exportAttributes: Record<string, string> = {},
): RegistryProfile {
  return { kind, nestedPaths, createsRepositoriesOnPush, acceptsModeMax, exportAttributes };
}

// Anchored host patterns: a host that merely contains "ecr" or "azurecr" is not that registry.
const hostPatterns: ReadonlyArray<readonly [RegistryKind, RegExp]> = [
  ['ecr', /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d\.amazonaws\.com(?:\.cn)?$/],
  ['ecr', /^public\.ecr\.aws$/],
  ['gar', /^[a-z]+(?:-[a-z]+\d?)*-docker\.pkg\.dev$/],
  ['gar', /^(?:[a-z]+\.)?gcr\.io$/],
  ['ghcr', /^ghcr\.io$/],
  ['acr', /^[a-z0-9]{5,50}\.azurecr\.(?:io|cn|us)$/],
  ['dockerhub', /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)$/],
  ['quay', /^quay\.io$/],
  ['harbor', /^harbor(?:[.-][a-z0-9-]+)*\.[a-z]{2,}$/],
];

/** The registry kind of `host[:port]`; anything unrecognised is a generic distribution registry. */
export function detectRegistryKind(host: string): RegistryKind {
  const hostname = host.toLowerCase().replace(/:\d+$/, '');
  return hostPatterns.find(([, pattern]) => pattern.test(hostname))?.[0] ?? 'distribution';
}

export const RegistryProfileOverrideSchema = RegistryProfileSchema.omit({ kind: true }).partial();
export type RegistryProfileOverride = z.infer<typeof RegistryProfileOverrideSchema>;

/** The profile for a host: `kind` replaces detection, `override` replaces single properties. */
export function resolveRegistryProfile(
  host: string,
  kind?: RegistryKind,
  override: RegistryProfileOverride = {},
): RegistryProfile {
  const base = profiles[kind ?? detectRegistryKind(host)];
  return {
    ...base,
    ...override,
    exportAttributes: { ...base.exportAttributes, ...override.exportAttributes },
  };
}
