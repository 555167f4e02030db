import { startRegistryProxy } from '@deployer/local-registry';

export type Fault = { status: number; headers?: Record<string, string> } | 'hang' | 'reset' | 'pass';

export interface FlakyProxy {
  host: string;
  /** Faults served, in order, to the next requests instead of forwarding them. */
  faults: Fault[];
  /** Method + path of every request that reached the proxy. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of a real registry that can answer the next requests with 429/5xx, hang,
 * or drop the connection: network conditions a healthy local registry never produces by itself.
 */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const faults: Fault[] = [];
  const proxy = await startRegistryProxy(target, () => {
    const fault = faults.shift();
    return fault === 'pass' ? undefined : fault;
  });
  return { host: proxy.host, faults, seen: proxy.seen, close: () => proxy.close() };
}
