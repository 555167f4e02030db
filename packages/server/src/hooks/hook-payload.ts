import type { BuildReport } from '@deployer/deploy';
import type { HookBuildFacts, HookEvent } from '@deployer/state';

/** One service in a hook's body: what a deploy step needs to roll it out, and nothing it could leak. */
export interface HookService {
  name: string;
  /** deploy's service status: built, skipped (its image already existed), superseded or failed. */
  status: string;
  /** The immutable image ref. */
  image: string;
  /** The image's digest; null when none was pushed (a failed service). */
  digest: string | null;
}

/** The JSON body of an outgoing hook delivery. */
export interface HookPayload {
  event: HookEvent;
  /** Also `X-Deployer-Delivery`: the same on every attempt of one delivery. */
  deliveryId: string;
  repository: string;
  pullRequest: number | null;
  branch: string | null;
  sha: string;
  buildUuid: string;
  /** Every service of the build (empty for torn_down: nothing of the environment is left). */
  services: HookService[];
  /** The environment's status page, when the server knows its own address. */
  statusUrl?: string;
}

/**
 * The body for one build's event. Only each service's name, status, image and digest are copied from the
 * report: its failure text, reasons and log tails may carry anything a build printed, so they stay in the
 * server (the status page shows them to signed-in operators).
 */
export function hookPayload(
  event: HookEvent,
  deliveryId: string,
  facts: HookBuildFacts,
  report: Pick<BuildReport, 'services'> | undefined,
  statusUrl: string | undefined,
): HookPayload {
  const services =
    event === 'torn_down' || report === undefined
      ? []
      : report.services.map((service) => ({
          name: service.service,
          status: service.status,
          image: service.image,
          digest: service.digest,
        }));
  return {
    event,
    deliveryId,
    repository: facts.repository,
    pullRequest: facts.pullRequestNumber,
    branch: facts.branch,
    sha: facts.sha,
    buildUuid: facts.buildUuid,
    services,
    ...(statusUrl !== undefined && { statusUrl }),
  };
}
