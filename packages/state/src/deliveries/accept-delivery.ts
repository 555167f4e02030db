import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';
import { jsonb } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import { enqueueBuild } from '../environments/enqueue-build.js';
import { repositoryId } from '../repositories/repository-id.js';
import type { AcceptedDelivery, DeliveryInput, Intent } from '../types.js';
import { closePullRequest } from './close-pull-request.js';
import { deleteBranch } from './delete-branch.js';

/**
 * One transaction: the delivery row (a repeated delivery id is a duplicate and changes nothing), then what
 * the intent asks for. The build uuid of a pull request is made by `newBuildUuid` once, when the pull
 * request is first seen, and stays.
 */
export async function acceptDelivery(
  state: State,
  delivery: DeliveryInput,
  intent: Intent,
  newBuildUuid: () => BuildUuid,
): Promise<AcceptedDelivery> {
  return state.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('deliveries')
      .values({
        delivery_id: delivery.deliveryId,
        event: delivery.event,
        action: delivery.action ?? null,
        repository: delivery.repository,
      })
      .onConflict((conflict) => conflict.column('delivery_id').doNothing())
      .returning('delivery_id')
      .executeTakeFirst();
    if (inserted === undefined) return { duplicate: true };

    const outcome = await applyIntent(tx, delivery.repository, intent, newBuildUuid, delivery.deliveryId);
    await tx
      .updateTable('deliveries')
      .set({ result: outcome.result })
      .where('delivery_id', '=', delivery.deliveryId)
      .execute();
    return { duplicate: false, buildUuid: outcome.buildUuid, buildId: outcome.buildId };
  });
}

interface IntentOutcome {
  /** Stored on the delivery row: what came of it. */
  result: string;
  buildUuid?: BuildUuid;
  buildId?: number;
}

async function applyIntent(
  tx: StateTransaction,
  repository: string,
  intent: Intent,
  newBuildUuid: () => BuildUuid,
  deliveryId: string,
): Promise<IntentOutcome> {
  switch (intent.type) {
    case 'ignore':
      return { result: `ignored: ${intent.reason}` };
    case 'build-pull-request': {
      const repoId = await repositoryId(tx, repository);
      const buildUuid = await upsertPullRequest(tx, repoId, intent, newBuildUuid);
      const buildId = await enqueueBuild(tx, {
        repositoryId: repoId,
        buildUuid,
        environmentKind: 'pull_request',
        pullRequestNumber: intent.number,
        buildKind: 'build',
        sha: intent.headSha,
        deliveryId,
      });
      return { result: `build ${buildId} queued`, buildUuid, buildId };
    }
    case 'close-pull-request': {
      const { type: _type, ...close } = intent;
      return closePullRequest(tx, await repositoryId(tx, repository), close, deliveryId);
    }
    case 'build-fallback':
    case 'build-branch': {
      const repoId = await repositoryId(tx, repository);
      const buildUuid = intent.type === 'build-fallback' ? intent.fallback : intent.buildUuid;
      const buildId = await enqueueBuild(tx, {
        repositoryId: repoId,
        buildUuid,
        environmentKind: 'fallback',
        pullRequestNumber: null,
        buildKind: 'build',
        sha: intent.sha,
        deliveryId,
        ...(intent.branch !== undefined && { branch: intent.branch }),
      });
      return { result: `build ${buildId} queued`, buildUuid, buildId };
    }
    case 'delete-branch':
      return deleteBranch(
        tx,
        await repositoryId(tx, repository),
        intent.branch,
        intent.buildUuid,
        deliveryId,
      );
  }
}

async function upsertPullRequest(
  tx: StateTransaction,
  repoId: number,
  intent: Extract<Intent, { type: 'build-pull-request' }>,
  newBuildUuid: () => BuildUuid,
): Promise<BuildUuid> {
  const known = await tx
    .selectFrom('pull_requests')
    .select('build_uuid')
    .where('repository_id', '=', repoId)
    .where('number', '=', intent.number)
    .executeTakeFirst();
  const fields = {
    head_sha: intent.headSha,
    state: 'open' as const,
    labels: jsonb(intent.labels),
    title: intent.title,
    // Open again (reopened): no longer closed nor merged.
    closed_at: null,
    merged_sha: null,
    ...(intent.baseRef !== undefined && { base_ref: intent.baseRef }),
    ...(intent.headRef !== undefined && { head_ref: intent.headRef }),
  };
  // A concurrent first delivery of the same pull request may insert first: its build uuid is kept.
  const row = await tx
    .insertInto('pull_requests')
    .values({
      repository_id: repoId,
      number: intent.number,
      build_uuid: known?.build_uuid ?? newBuildUuid(),
      ...fields,
    })
    .onConflict((conflict) => conflict.columns(['repository_id', 'number']).doUpdateSet(fields))
    .returning('build_uuid')
    .executeTakeFirstOrThrow();
  return row.build_uuid;
}
