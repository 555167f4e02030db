import { join } from 'node:path';

/**
 * Where a job's checkout goes: `<workDir>/<owner>__<name>/<buildUuid>-<sha12>`. Repository names and build
 * uuids are validated before they get here (GitHub's `owner/name` charset, the build uuid grammar), so the
 * path never leaves the work folder; the `/` becomes `__` so one repository is one folder.
 */
export function checkoutDir(workDir: string, repository: string, buildUuid: string, sha: string): string {
  return join(workDir, repository.replace('/', '__'), `${buildUuid}-${sha.slice(0, 12)}`);
}
