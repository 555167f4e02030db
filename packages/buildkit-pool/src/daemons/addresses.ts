import { BuildkitError, parseBuildkitAddress } from '@deployer/buildkit-runner';
import { BuildkitPoolError } from '../errors.js';

/** One entry of the daemon list: a BuildKit address, or a DNS name standing for every address it has. */
export type DaemonEntry =
  | { kind: 'address'; address: string }
  /** `dns://NAME:PORT`: `tcp://ADDR:PORT` for every A and AAAA record of NAME, resolved per run. */
  | { kind: 'dns'; entry: string; name: string; port: number };

const dnsEntry =
  /^dns:\/\/([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?):(\d{1,5})$/;

/** Checks one entry before anything runs: a BuildKit address (`unix://`, `tcp://`, …) or `dns://NAME:PORT`. */
export function parseDaemonEntry(entry: string): DaemonEntry {
  if (entry.startsWith('dns://')) {
    const match = dnsEntry.exec(entry);
    const port = Number(match?.[5]);
    if (match === null || port < 1 || port > 65_535) {
      throw new BuildkitPoolError(
        'INVALID_ADDRESS',
        `BuildKit address ${JSON.stringify(entry)}: dns:// needs a host name and a port (dns://buildkitd.ci.svc.cluster.local:1234)`,
      );
    }
    return { kind: 'dns', entry, name: match[1] as string, port };
  }
  try {
    return { kind: 'address', address: parseBuildkitAddress(entry).address };
  } catch (error) {
    if (!(error instanceof BuildkitError)) throw error;
    throw new BuildkitPoolError('INVALID_ADDRESS', `${error.message}; or dns://name:port`, { cause: error });
  }
}

/** Splits DEPLOYER_BUILDKIT_HOSTS (comma-separated, blanks ignored) into entries, unchecked. */
export function splitDaemonList(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export interface DnsOptions {
  /** DNS servers (`ip` or `ip:port`); the system's when absent. */
  servers?: readonly string[];
  /** Per query. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * The daemons the entries stand for now: addresses as given, `dns://` names expanded to one tcp://
 * address per A/AAAA record (sorted, so every run sees one order). Duplicates are dropped.
 */
export async function expandDaemonEntries(
  entries: readonly DaemonEntry[],
  dns: DnsOptions = {},
): Promise<string[]> {
  const expanded = await Promise.all(
    entries.map((entry) => (entry.kind === 'address' ? [entry.address] : resolveDnsEntry(entry, dns))),
  );
  return [...new Set(expanded.flat())];
}

async function resolveDnsEntry(
  entry: Extract<DaemonEntry, { kind: 'dns' }>,
  dns: DnsOptions,
): Promise<string[]> {
  // node:dns loads only for a dns:// entry (a plain address list, the common case, never resolves).
  const { Resolver } = process.getBuiltinModule('node:dns/promises');
  const resolver = new Resolver({ timeout: dns.timeoutMs ?? 5_000, tries: 2 });
  if (dns.servers !== undefined && dns.servers.length > 0) resolver.setServers([...dns.servers]);
  const lookups = await Promise.allSettled([resolver.resolve4(entry.name), resolver.resolve6(entry.name)]);
  const addresses = lookups.flatMap((lookup) => (lookup.status === 'fulfilled' ? lookup.value : []));
  if (addresses.length === 0) {
    const reasons = lookups
      .map((lookup) =>
        lookup.status === 'rejected' ? String((lookup.reason as Error).message ?? lookup.reason) : '',
      )
      .filter((reason) => reason !== '');
    throw new BuildkitPoolError(
      'DNS_FAILED',
      `BuildKit address ${entry.entry}: ${entry.name} has no A or AAAA record${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`,
    );
  }
  return [...addresses]
    .sort()
    .map((address) => `tcp://${address.includes(':') ? `[${address}]` : address}:${entry.port}`);
}
