import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A one-service environment (`slow`) whose Dockerfile runs `steps` on the seeded busybox: builds that are
 * still running when a test kills or supersedes them. Returns the spec's path; the caller removes `dir`.
 */
export async function writeSlowEnvironment(
  repository: string,
  steps: readonly string[],
): Promise<{ dir: string; spec: string }> {
  const dir = await mkdtemp(join(tmpdir(), `deployer-${repository}-`));
  await mkdir(join(dir, 'slow'));
  await writeFile(
    join(dir, 'slow', 'Dockerfile'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build argument, not JavaScript
    ['ARG BUSYBOX_IMAGE', 'FROM ${BUSYBOX_IMAGE}', ...steps.map((step) => `RUN ${step}`), ''].join('\n'),
  );
  const spec = join(dir, 'env.yaml');
  await writeFile(
    spec,
    [
      `registry: { host: 127.0.0.1:5000, repository: ${repository}, insecure: true }`,
      'services:',
      '  slow:',
      '    context: slow',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's own interpolation
      '    args: { BUSYBOX_IMAGE: "${registry.host}/base/busybox:latest" }',
      '',
    ].join('\n'),
  );
  return { dir, spec };
}
