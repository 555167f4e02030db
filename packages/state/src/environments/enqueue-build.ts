import type { BuildUuid } from '@deployer/contracts';
import { now, secondsFromNow } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import type { BuildKind, EnvironmentKind } from '../types.js';

export interface EnqueueInput {
  repositoryId: number;
  buildUuid: BuildUuid;
  environmentKind: EnvironmentKind;
  pullRequestNumber: number | null;
  buildKind: BuildKind;
  sha: string;
  /** The delivery that asked for it, when one did. */
  deliveryId?: string;
  /** Build even images that exist (a rebuild). */
  force?: boolean;
  /** The branch a branch environment builds: recorded on the environment (kept when not given). */
  branch?: string;
  /** A merged pull request's `down`: claims skip its job for this many seconds unless released first. */
  holdSeconds?: number;
}

/**
 * The one way work is queued (deliveries and rebuilds): the environment (made when new) moves to the next
 * generation and the SHA, its queued builds are superseded (their jobs done), and a build row and its job
 * are added. A running build is left to notice the new generation through renewClaim.
 */
export async function enqueueBuild(tx: StateTransaction, input: EnqueueInput): Promise<number> {
  const status = input.buildKind === 'down' ? 'deleting' : 'queued';
  const environment = await tx
    .insertInto('environments')
    .values({
      repository_id: input.repositoryId,
      build_uuid: input.buildUuid,
      kind: input.environmentKind,
      pull_request_number: input.pullRequestNumber,
      status,
      desired_sha: input.sha,
      generation: 1,
      branch: input.branch ?? null,
    })
    .onConflict((conflict) =>
      conflict.columns(['repository_id', 'build_uuid']).doUpdateSet((eb) => ({
        generation: eb('environments.generation', '+', 1),
        desired_sha: input.sha,
        status,
        ...(input.branch !== undefined && { branch: input.branch }),
        updated_at: now,
        last_activity_at: now,
      })),
    )
    .returning(['id', 'generation'])
    .executeTakeFirstOrThrow();

  // Through the jobs: a job a replica has just claimed is locked and no longer queued, so it is not touched.
  const superseded = await tx
    .updateTable('jobs')
    .set({ state: 'done' })
    .where('environment_id', '=', environment.id)
    .where('state', '=', 'queued')
    .returning('build_id')
    .execute();
  if (superseded.length > 0) {
    await tx
      .updateTable('builds')
      .set({ status: 'superseded', finished_at: now })
      .where(
        'id',
        'in',
        superseded.map((job) => job.build_id),
      )
      .execute();
  }

  const build = await tx
    .insertInto('builds')
    .values({
      environment_id: environment.id,
      kind: input.buildKind,
      sha: input.sha,
      generation: environment.generation,
      status: 'queued',
      delivery_id: input.deliveryId ?? null,
      force: input.force ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('jobs')
    .values({
      build_id: build.id,
      environment_id: environment.id,
      state: 'queued',
      held_until:
        input.holdSeconds !== undefined && input.holdSeconds > 0 ? secondsFromNow(input.holdSeconds) : null,
    })
    .execute();
  return build.id;
}
