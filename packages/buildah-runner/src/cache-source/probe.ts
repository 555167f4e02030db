import type { CacheEndpoint } from '@deployer/contracts';
import { execa } from 'execa';

/** Tells whether a cache repository exists: null when it cannot tell. */
export type RepositoryProbe = (repository: string, context: ProbeContext) => Promise<boolean | null>;

export interface ProbeContext {
  insecure: boolean;
  authFile: string | null;
  signal?: AbortSignal;
}

/** Probes every import's repository at once. */
export async function probeImports(
  imports: readonly CacheEndpoint[],
  probe: RepositoryProbe,
  context: ProbeContext,
): Promise<Map<string, boolean | null>> {
  const repositories = [...new Set(imports.map((endpoint) => endpoint.repository))];
  const answers = await Promise.all(repositories.map((repository) => probe(repository, context)));
  return new Map(repositories.map((repository, index) => [repository, answers[index] ?? null]));
}

/**
 * The default probe: `skopeo list-tags`. A repository that does not exist yet answers "name unknown"
 * (or an empty tag list); any other failure (skopeo missing, registry down) means "cannot tell".
 */
export function skopeoRepositoryProbe(
  skopeoPath: string,
  env: Readonly<Record<string, string | undefined>>,
): RepositoryProbe {
  return async (repository, context) => {
    const result = await execa(
      skopeoPath,
      [
        'list-tags',
        ...(context.insecure ? ['--tls-verify=false'] : []),
        ...(context.authFile === null ? [] : [`--authfile=${context.authFile}`]),
        '--retry-times=1',
        `docker://${repository}`,
      ],
      {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        ...(context.signal ? { cancelSignal: context.signal } : {}),
      },
    );
    if (result.exitCode === 0) {
      try {
        const tags = (JSON.parse(String(result.stdout)) as { Tags?: unknown[] | null }).Tags;
        return Array.isArray(tags) && tags.length > 0;
      } catch {
        return null;
      }
    }
    return /name unknown|repository name not known|manifest unknown|not found/i.test(String(result.stderr))
      ? false
      : null;
  };
}
