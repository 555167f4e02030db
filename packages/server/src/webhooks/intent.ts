// TODO(lead): import from @deployer/state
// The design's shapes (serve-design.md, "State model"), defined here until @deployer/state lands.

/** What a delivery asks of the server, decided by intentFor; acceptDelivery stores it. */
export type Intent =
  | { type: 'build-pull-request'; number: number; headSha: string; title: string; labels: string[] }
  | { type: 'close-pull-request'; number: number }
  | { type: 'build-fallback'; fallback: string; sha: string }
  | { type: 'ignore'; reason: string };

/** One webhook delivery as stored; a repeated `deliveryId` is a duplicate. */
export interface DeliveryInput {
  deliveryId: string;
  event: string;
  action?: string;
  repository: string;
}
