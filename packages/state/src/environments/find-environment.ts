import type { BuildUuid } from '@deployer/contracts';
import type { StateTransaction } from '../database/transaction.js';

/**
 * The environments with this build uuid (in `repository`, when given), locked for the transaction: what a
 * rebuild or a teardown needs to queue its build. Several only when no repository was given and several
 * repositories have that build uuid (a fallback's `main`).
 */
export function findEnvironments(tx: StateTransaction, buildUuid: BuildUuid, repository?: string) {
  let query = tx
    .selectFrom('environments')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .select([
      'environments.repository_id',
      'environments.kind',
      'environments.pull_request_number',
      'environments.status',
      'environments.desired_sha',
    ])
    .where('environments.build_uuid', '=', buildUuid);
  if (repository !== undefined) query = query.where('repositories.full_name', '=', repository);
  return query.forUpdate().execute();
}
