import type { BuildUuid, SecretSource } from '@deployer/contracts';
import { SpecError } from '../errors.js';
import type { EnvironmentSpecInput } from './environment-schema.js';
import { formatSpecPath } from './spec-path.js';

/**
 * What the operator fixes when the spec is not trusted (`deployer serve`: every spec comes from a
 * commit anyone who can open a pull request may have written). The spec's own `registry`, `cache` and
 * `fallbacks` are never read: these replace them before validation. A service's `tag` is refused, and a
 * secret reaches a build only as the operator lists it, looked up by the spec's id.
 */
export interface OperatorSettings {
  /** Where images go: `<host>/<repository>/<service>`. */
  registry: { host: string; repository: string; insecure?: boolean };
  /** Where caches go; default: beside the images (`<repository>/cache`). */
  cache?: Omit<NonNullable<EnvironmentSpecInput['cache']>, 'sharedExport'>;
  /** The environments that warm this one, in order. */
  fallbacks: readonly BuildUuid[];
  /** The secrets this build is given, by id, from the operator's sources (variables, files). */
  secrets: readonly SecretSource[];
  /** Ids the operator lists but withholds from this build (a pull request's): left out, not refused. */
  withheldSecrets?: readonly string[];
  /** Where the operator set these, for messages, e.g. `the server config (repositories[0])`. */
  source: string;
}

/** The raw spec with the operator's settings in place of its own; a fixed `tag` is refused. */
export function applyOperatorSettings(raw: unknown, operator: OperatorSettings): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const doc: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const services = doc.services;
  if (typeof services === 'object' && services !== null && !Array.isArray(services)) {
    for (const [name, service] of Object.entries(services)) {
      if (typeof service === 'object' && service !== null && Object.hasOwn(service, 'tag')) {
        throw new SpecError('FIXED_BY_OPERATOR', {
          path: formatSpecPath(['services', name, 'tag']),
          detail: `a spec cannot fix an image tag here: ${operator.source} decides tags, and images are tagged with the environment's build uuid and the content tag deployer computes (remove \`tag\`)`,
        });
      }
    }
  }
  doc.registry = { ...operator.registry };
  if (operator.cache === undefined) delete doc.cache;
  else doc.cache = { ...operator.cache };
  doc.fallbacks = [...operator.fallbacks];
  return doc;
}

/**
 * A service's secrets as the operator gives them: each id the spec asks for is looked up in the operator's
 * list, and the spec's own source (a variable or file it names) is never used. An id the operator withholds
 * from this build is left out; one the operator does not list at all is a mistake in the spec.
 */
export function operatorSecrets(
  service: string,
  wanted: readonly { id: string }[],
  operator: OperatorSettings,
): SecretSource[] {
  const given = new Map(operator.secrets.map((secret) => [secret.id, secret]));
  const withheld = new Set(operator.withheldSecrets ?? []);
  const secrets: SecretSource[] = [];
  for (const [index, { id }] of wanted.entries()) {
    const source = given.get(id);
    if (source !== undefined) secrets.push({ ...source });
    else if (!withheld.has(id)) {
      throw new SpecError('SECRET_NOT_PROVIDED', {
        path: formatSpecPath(['services', service, 'secrets', index, 'id']),
        detail: `secret ${JSON.stringify(id)} is not one ${operator.source} provides; the operator lists the secrets builds may use (secrets: [{ id, env | file }])`,
      });
    }
  }
  return secrets;
}
