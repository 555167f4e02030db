import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandDaemonEntries, parseDaemonEntry, splitDaemonList } from '../src/daemons/addresses.js';
import { BuildkitPoolError } from '../src/errors.js';
import { createBuildkitPool } from '../src/pool/create-pool.js';
import { type LoopbackDns, startLoopbackDns } from './support/dnsmasq.js';

describe('daemon entries', () => {
  it('takes every BuildKit address form and dns://NAME:PORT', () => {
    expect(parseDaemonEntry('unix:///run/buildkit/buildkitd.sock')).toEqual({
      kind: 'address',
      address: 'unix:///run/buildkit/buildkitd.sock',
    });
    expect(parseDaemonEntry('dns://buildkitd.ci.svc.cluster.local:1234')).toEqual({
      kind: 'dns',
      entry: 'dns://buildkitd.ci.svc.cluster.local:1234',
      name: 'buildkitd.ci.svc.cluster.local',
      port: 1234,
    });
  });

  it('refuses malformed entries, naming the rule', () => {
    for (const bad of [
      'dns://buildkitd',
      'dns://:1234',
      'dns://a_b:1234',
      'dns://host:0',
      'buildkitd:1234',
      'tcp://host',
    ]) {
      expect(() => parseDaemonEntry(bad)).toThrow(BuildkitPoolError);
    }
    expect(() => parseDaemonEntry('dns://buildkitd')).toThrow(/dns:\/\/ needs a host name and a port/);
  });

  it('splits DEPLOYER_BUILDKIT_HOSTS on commas, ignoring blanks', () => {
    expect(splitDaemonList(' tcp://a:1, ,unix:///b.sock,')).toEqual(['tcp://a:1', 'unix:///b.sock']);
  });
});

describe('dns:// expansion through a real resolver (dnsmasq on loopback)', () => {
  let dns: LoopbackDns;
  beforeAll(async () => {
    dns = await startLoopbackDns([
      ['127.0.0.2', 'buildkit.test'],
      ['127.0.0.3', 'buildkit.test'],
      ['127.0.0.4', 'buildkit.test'],
      ['::1', 'six.buildkit.test'],
    ]);
  });
  afterAll(async () => dns?.stop());

  it('expands a name with three A records to three tcp:// daemons on its port', async () => {
    const daemons = await expandDaemonEntries([parseDaemonEntry('dns://buildkit.test:1234')], {
      servers: [dns.server],
    });
    expect(daemons).toEqual(['tcp://127.0.0.2:1234', 'tcp://127.0.0.3:1234', 'tcp://127.0.0.4:1234']);
  });

  it('expands AAAA records in brackets, keeps plain addresses, and drops duplicates', async () => {
    const daemons = await expandDaemonEntries(
      ['dns://six.buildkit.test:1234', 'tcp://127.0.0.2:1234', 'dns://buildkit.test:1234'].map(
        parseDaemonEntry,
      ),
      { servers: [dns.server] },
    );
    expect(daemons).toEqual([
      'tcp://[::1]:1234',
      'tcp://127.0.0.2:1234',
      'tcp://127.0.0.3:1234',
      'tcp://127.0.0.4:1234',
    ]);
  });

  it('resolves again for each run: a pool made after the records changed sees the new daemons', async () => {
    const options = {
      daemons: ['dns://buildkit.test:1'],
      dns: { servers: [dns.server] },
      healthCheckTimeoutMs: 3_000,
    };
    // Nothing listens on port 1: every daemon is down, which is one error naming each address tried.
    await expect(createBuildkitPool(options).prepare()).rejects.toThrow(
      /no BuildKit daemon of the pool answers; tried tcp:\/\/127\.0\.0\.2:1 \(.*\), tcp:\/\/127\.0\.0\.3:1 \(.*\), tcp:\/\/127\.0\.0\.4:1 /,
    );
    await dns.setHosts([['127.0.0.9', 'buildkit.test']]);
    let seen: string[] = [];
    for (let tries = 0; tries < 50 && seen[0] !== 'tcp://127.0.0.9:1'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // dnsmasq notices the file by inotify
      seen = await expandDaemonEntries([parseDaemonEntry('dns://buildkit.test:1')], {
        servers: [dns.server],
      });
    }
    expect(seen).toEqual(['tcp://127.0.0.9:1']);
    const error = await createBuildkitPool(options)
      .prepare()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NO_DAEMON', daemonsTried: ['tcp://127.0.0.9:1'] });
  });

  it('a name with no record is a DNS_FAILED error naming the entry', async () => {
    await expect(
      expandDaemonEntries([parseDaemonEntry('dns://missing.test:1234')], {
        servers: [dns.server],
        timeoutMs: 1_000,
      }),
    ).rejects.toThrow(/dns:\/\/missing\.test:1234: missing\.test has no A or AAAA record/);
  });
});
