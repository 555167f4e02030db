import type { Intent } from '@deployer/state';
import { branchEnvironment } from '../config/branch-environment.js';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import { PushPayload, readPayload } from './event-payloads.js';
import type { VerifiedDelivery } from './verify-delivery.js';

const zeroSha = /^0+$/;
const branchRef = 'refs/heads/';

/**
 * push → intent: to the default branch, build the fallback; to a branch `branches` lists, build that
 * branch's environment, or tear it down when the push deleted the branch; anything else (tags, other
 * branches, deleting the default branch) is ignored with the reason.
 */
export function pushIntent(delivery: VerifiedDelivery, repository: RepositoryConfig): Intent {
  const payload = readPayload(PushPayload, delivery.payload, delivery.event);
  const defaultBranch = payload.repository.default_branch;
  const environment = payload.ref.startsWith(branchRef)
    ? branchEnvironment(repository, payload.ref.slice(branchRef.length), defaultBranch)
    : undefined;
  if (environment === undefined) {
    return {
      type: 'ignore',
      reason: `push to ${payload.ref}: not the default branch refs/heads/${defaultBranch} nor a branch the server config lists`,
    };
  }
  const branch = payload.ref.slice(branchRef.length);
  const deleted = payload.deleted === true || zeroSha.test(payload.after);
  if (environment.isDefault) {
    if (deleted) return { type: 'ignore', reason: `push to ${payload.ref}: the branch was deleted` };
    return { type: 'build-fallback', fallback: environment.buildUuid, sha: payload.after, branch };
  }
  if (deleted) return { type: 'delete-branch', branch, buildUuid: environment.buildUuid };
  return { type: 'build-branch', branch, buildUuid: environment.buildUuid, sha: payload.after };
}
