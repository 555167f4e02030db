import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@deployer/process';

/** A real DNS server on a loopback port (Debian's dnsmasq), answering from a hosts file it watches. */
export interface LoopbackDns {
  server: string;
  /** Replaces the records (`address name` lines); dnsmasq re-reads them on its own (inotify). */
  setHosts(records: readonly [string, string][]): Promise<void>;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  // A free TCP port on loopback is, in practice, free for UDP too; dnsmasq binds both.
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startLoopbackDns(records: readonly [string, string][]): Promise<LoopbackDns> {
  const dir = await mkdtemp(join(tmpdir(), 'deployer-dnsmasq-'));
  const hostsDir = join(dir, 'hosts');
  await mkdir(hostsDir);
  const hostsFile = join(hostsDir, 'pool');
  const write = (entries: readonly [string, string][]) =>
    writeFile(hostsFile, entries.map(([address, name]) => `${address} ${name}\n`).join(''));
  await write(records);
  const port = await freeUdpPort();
  const controller = new AbortController();
  const output: string[] = [];
  const running = runProcess({
    // Debian installs it in /usr/sbin, which a non-login PATH may lack.
    file: existsSync('/usr/sbin/dnsmasq') ? '/usr/sbin/dnsmasq' : 'dnsmasq',
    args: [
      '--no-daemon',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      '--pid-file=',
      '--user=root',
      `--hostsdir=${hostsDir}`,
    ],
    signal: controller.signal,
    killGraceMs: 2_000,
    onLine: (_stream, line) => output.push(line),
  }).catch((error: unknown) => {
    throw new Error(`dnsmasq did not start (Debian: apt-get install dnsmasq-base): ${String(error)}`);
  });
  const server = `127.0.0.1:${port}`;
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([server]);
  const name = records[0]?.[1] as string;
  for (let tries = 0; ; tries++) {
    try {
      await resolver.resolve4(name);
      break;
    } catch {
      if (tries > 50) {
        controller.abort();
        await running.catch(() => {});
        throw new Error(`dnsmasq did not answer on ${server}: ${output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    server,
    setHosts: write,
    async stop() {
      controller.abort();
      await running.catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
