import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

export interface GitRepository {
  /** `file://` URL of the bare repository the server clones from. */
  cloneUrl: string;
  /** Writes `files` on `branch` (created from main when new), commits, pushes; resolves to the commit. */
  commit(branch: string, files: Record<string, string>, message: string): Promise<string>;
}

/** A real bare repository and a working clone the test commits in and pushes from. */
export async function createGitRepository(): Promise<GitRepository> {
  const root = await mkdtemp(join(tmpdir(), 'deployer-git-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) =>
    execa('git', ['-c', 'user.name=deployer test', '-c', 'user.email=test@example.invalid', ...args], {
      cwd,
      env: { GIT_CONFIG_NOSYSTEM: '1', HOME: root },
    });
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await execa('git', ['init', '--quiet', '--initial-branch=main', work]);
  let hasMain = false;
  return {
    cloneUrl: pathToFileURL(bare).href,
    async commit(branch, files, message) {
      if (branch !== 'main' && hasMain) {
        const exists = await git(work, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).then(
          () => true,
          () => false,
        );
        await git(work, 'checkout', '--quiet', ...(exists ? [branch] : ['-b', branch, 'main']));
      } else {
        await git(work, 'checkout', '--quiet', '-B', branch);
      }
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      await git(work, 'push', '--quiet', '--force', bare, `${branch}:${branch}`);
      if (branch === 'main') hasMain = true;
      return (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
    },
  };
}

/**
 * A one-service environment whose image carries `marker` (so each commit builds a new image), FROM the
 * busybox image in the test registry.
 */
export function previewFiles(
  registryHost: string,
  marker: string,
  options: { failingStep?: boolean; repository?: string } = {},
) {
  const repository = options.repository ?? 'preview';
  return {
    'deploy/env.yaml': [
      'registry:',
      `  host: ${registryHost}`,
      `  repository: ${repository}`,
      '  insecure: true',
      'cache:',
      `  repository: ${repository}/cache`,
      '  strategy: path',
      'services:',
      '  web:',
      '    context: ../web',
      '    args:',
      `      BUSYBOX_IMAGE: ${registryHost}/base/busybox:latest`,
      '',
    ].join('\n'),
    'web/Dockerfile': [
      'ARG BUSYBOX_IMAGE',
      // Dockerfile syntax, not a template string.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's own variable.
      'FROM ${BUSYBOX_IMAGE}',
      'RUN mkdir -p /srv/www && echo base > /srv/www/base',
      'COPY marker /srv/www/marker',
      options.failingStep ? 'RUN echo "broken step" && exit 3' : 'RUN cat /srv/www/marker',
      '',
    ].join('\n'),
    'web/marker': `${marker}\n`,
  };
}
