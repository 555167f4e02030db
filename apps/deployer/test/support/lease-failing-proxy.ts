import { startRegistryProxy } from '@deployer/local-registry';

export interface LeaseFailingProxy {
  /** `127.0.0.1:PORT`: use it as the registry host. */
  host: string;
  /** While true, every request for a lease (`…/lease` repositories, `lease-…` tags) is answered 503. */
  failLeases: boolean;
  /** How many lease requests were refused. */
  refused: number;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real registry that can make every lease request fail, as an outage of
 * the lease alone would. A run that cannot reach its lease builds without that protection (it warns), so
 * two runs of one environment then build at once, and only the run-scoped cache exports keep them apart.
 */
export async function startLeaseFailingProxy(target: string): Promise<LeaseFailingProxy> {
  const state = { failLeases: false, refused: 0 };
  const proxy = await startRegistryProxy(target, ({ path }) => {
    if (!state.failLeases || !/\/lease\/|\/manifests\/lease-/.test(path)) return undefined;
    state.refused += 1;
    return { status: 503 };
  });
  return Object.assign(state, { host: proxy.host, close: () => proxy.close() });
}
