import { join } from 'node:path';

/**
 * Where a job's checkout goes: `<workDir>/<owner>__<name>/<buildUuid>-<sha12>-<claim8>`, `claim8` the
 * first characters of the job's claim token. One folder per claim: a job claimed right after another of
 * the same environment and commit (a teardown following its build, a takeover) starts while the other may
 * still be removing its folder, and must not check out into it. Repository names, build uuids and claim
 * tokens (UUIDs) are validated or made here, so the path never leaves the work folder; the `/` becomes `__`
 * so one repository is one folder.
 */
export function checkoutDir(
  workDir: string,
  repository: string,
  buildUuid: string,
  sha: string,
  claimToken: string,
): string {
  const claim = claimToken.replace(/[^0-9a-f]/gi, '').slice(0, 8);
  return join(workDir, repository.replace('/', '__'), `${buildUuid}-${sha.slice(0, 12)}-${claim}`);
}
