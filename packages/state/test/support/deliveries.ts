import type { BuildUuid } from '@deployer/contracts';
import { acceptDelivery, type Intent, type State } from '../../src/index.js';
import { uuid as buildUuid } from './build-uuids.js';

let deliveries = 0;
let uuids = 0;

/** Build uuids as a real server makes them: new each call, counted so tests see how many were made. */
export const buildUuids = {
  made: [] as BuildUuid[],
  next(): BuildUuid {
    const uuid = buildUuid(`test-env-${++uuids}`);
    buildUuids.made.push(uuid);
    return uuid;
  },
};

const pushIntents = new Set<Intent['type']>(['build-fallback', 'build-branch', 'delete-branch']);

/** One delivery with a fresh id, for the intent. */
export function deliver(state: State, repository: string, intent: Intent, deliveryId = `d-${++deliveries}`) {
  return acceptDelivery(
    state,
    { deliveryId, event: pushIntents.has(intent.type) ? 'push' : 'pull_request', repository },
    intent,
    buildUuids.next,
  );
}

export function openPullRequest(
  number: number,
  headSha: string,
  title = `PR ${number}`,
  branches: { baseRef?: string; headRef?: string | null } = {},
): Intent {
  return { type: 'build-pull-request', number, headSha, title, labels: ['preview'], ...branches };
}
