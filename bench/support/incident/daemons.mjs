// The BuildKit daemons every arm builds on: D dedicated `buildkitd`s (OCI worker, root) started by the
// bench from the `buildkitd` on PATH, each allowed plain HTTP to the bench's registry only, and emptied
// between arms. A janitor prunes them (`buildctl prune --all`) every few seconds in every arm, like builders
// that keep little local cache (many nodes, pods that come and go): what warms a build is then the
// registry's cache, which is what the arms differ in. Concurrent builds on one daemon still share steps.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

async function answers(address) {
  const result = await execa('buildctl', ['--addr', address, 'debug', 'workers'], { reject: false });
  return result.exitCode === 0;
}

/**
 * Starts `count` daemons under `dir`; resolves once each answers. A daemon that dies (BuildKit 0.11's
 * containerd pusher can panic, `send on closed channel`, when pushes race) is started again at once, as a
 * pod's restart would, and counted with the first line of its panic.
 */
export async function startDaemons({ dir, count, registryHost, log = () => {} }) {
  const daemons = [];
  const crashes = [];
  let stopping = false;
  const launch = (daemon) => {
    daemon.child = execa('buildkitd', ['--config', join(daemon.state, 'buildkitd.toml')], {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: { file: join(daemon.state, 'buildkitd.log'), append: true },
      env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
      reject: false,
    });
    daemon.child.then(async () => {
      if (stopping) return;
      const text = await readFile(join(daemon.state, 'buildkitd.log'), 'utf8').catch(() => '');
      const cause = text.split('\n').findLast((line) => /^panic:|level=fatal/.test(line)) ?? 'exited';
      crashes.push({ address: daemon.address, at: Date.now(), cause });
      log(`daemon ${daemon.address} died (${cause}); started again`);
      launch(daemon);
    });
  };
  for (let index = 1; index <= count; index += 1) {
    const state = join(dir, `buildkit-${index}`);
    await rm(state, { recursive: true, force: true });
    await mkdir(state, { recursive: true });
    const address = `unix://${join(state, 'buildkitd.sock')}`;
    await writeFile(
      join(state, 'buildkitd.toml'),
      [
        `root = ${JSON.stringify(join(state, 'root'))}`,
        '[grpc]',
        `  address = [${JSON.stringify(address)}]`,
        '[worker.oci]',
        '  enabled = true',
        '  gc = false',
        '[worker.containerd]',
        '  enabled = false',
        `[registry.${JSON.stringify(registryHost)}]`,
        '  http = true',
        '  insecure = true',
        '',
      ].join('\n'),
    );
    daemons.push({ address, state, child: null });
  }
  for (const daemon of daemons) launch(daemon);
  for (const daemon of daemons) {
    for (let tries = 0; !(await answers(daemon.address)); tries += 1) {
      if (tries > 100 || daemon.child.exitCode !== null)
        throw new Error(`buildkitd ${daemon.address} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const prune = (address) => execa('buildctl', ['--addr', address, 'prune', '--all'], { reject: false });
  let janitor = null;
  return {
    addresses: daemons.map((daemon) => daemon.address),
    /** Every death so far: { address, at, cause }. */
    crashes,
    /** Everything the daemons hold, gone (between arms). */
    pruneAll: () => Promise.all(daemons.map((daemon) => prune(daemon.address))),
    /** Prunes every daemon every `everyMs` until stopped; 0 never. */
    startJanitor(everyMs) {
      if (everyMs <= 0) return;
      let stopped = false;
      const loop = (async () => {
        while (!stopped) {
          await new Promise((resolve) => setTimeout(resolve, everyMs));
          if (!stopped) await Promise.all(daemons.map((daemon) => prune(daemon.address)));
        }
      })();
      janitor = async () => {
        stopped = true;
        await loop;
      };
    },
    async stopJanitor() {
      await janitor?.();
      janitor = null;
    },
    async stop() {
      await this.stopJanitor();
      stopping = true;
      for (const daemon of daemons) daemon.child.kill('SIGTERM');
      await Promise.all(daemons.map((daemon) => daemon.child));
    },
  };
}
