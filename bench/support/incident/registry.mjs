// The bench's registry: Debian's docker-registry (distribution 2.8) with its access log on, behind a
// loopback gate that every client (daemons, deployer) talks to. The gate exists for garbage collection:
// distribution wants the registry read-only while `garbage-collect` runs, so, as an operator's load
// balancer could, the gate waits for a moment with no write request (POST, PUT, PATCH, DELETE) in flight,
// then holds every write that arrives while `garbage-collect --delete-untagged` runs on the storage (reads go
// on), then lets the held writes through. No client sees an error for the window; a push whose layers were
// uploaded before it and whose manifest comes after can still lose those layers (they were unreferenced
// when the collector looked), as on any live registry collected this way.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { findFreePort } from '@deployer/local-registry';
import { execa } from 'execa';
import { createAccessLog } from './access-log.mjs';

const binary = '/usr/bin/docker-registry';
const writes = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function config(storage, addr) {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${JSON.stringify(addr)}`,
    '  secret: incident-replay-bench',
    '',
  ].join('\n');
}

/** Starts the registry in `dir` (storage, config, log) and the gate in front of it. */
export async function startBenchRegistry(dir) {
  const storage = join(dir, 'storage');
  await mkdir(storage, { recursive: true });
  const port = await findFreePort();
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, config(storage, `127.0.0.1:${port}`));
  const logPath = join(dir, 'registry.log');
  const child = execa(binary, ['serve', configPath], {
    stdin: 'ignore',
    reject: false,
    buffer: false,
    lines: true,
  });
  // The access log (combined format, on stdout) is read as it is written: an upload's size is looked up
  // in the storage at once, before a collection can remove the blob. Everything is kept in the log file.
  const accessLog = createAccessLog(storage);
  const file = createWriteStream(logPath);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (line) => {
      file.write(`${line}\n`);
      accessLog.feed(line);
    });
  }
  for (let tries = 0; ; tries += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).ok) break;
    } catch {}
    if (tries > 100 || child.exitCode !== null)
      throw new Error(`docker-registry did not start (log: ${logPath})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  let closed = false;
  let inFlightWrites = 0;
  const held = [];
  const forward = (req, res) => {
    const write = writes.has(req.method);
    if (write) inFlightWrites += 1;
    const done = () => {
      if (!write) return;
      inFlightWrites -= 1;
    };
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', done);
        answer.on('error', done);
      },
    );
    upstream.on('error', () => {
      done();
      req.socket.destroy();
    });
    req.pipe(upstream);
  };
  const gate = createServer((req, res) => {
    if (closed && writes.has(req.method)) {
      req.pause();
      held.push(() => forward(req, res));
    } else forward(req, res);
  });
  gate.keepAliveTimeout = 30_000;
  await new Promise((resolve) => gate.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${gate.address().port}`;

  const collections = {
    runs: 0,
    skipped: 0,
    blobsDeleted: 0,
    manifestsDeleted: 0,
    heldWrites: 0,
    windowMs: 0,
  };
  return {
    host,
    storage,
    accessLog,
    collections,
    /**
     * Waits for a moment with no write in flight (never holding writes meanwhile: a client can have one
     * write open that waits on another, a manifest's PUT on its layers'), then holds every new write while
     * distribution's collector runs, and lets them go. With no quiet moment within `quietWithinMs` the run
     * is skipped and counted: holding writes to make one could deadlock such a client.
     */
    async collectGarbage({ quietWithinMs = 30_000 } = {}) {
      const deadline = Date.now() + quietWithinMs;
      while (inFlightWrites > 0) {
        if (Date.now() > deadline) {
          collections.skipped += 1;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const started = Date.now();
      closed = true;
      try {
        const result = await execa(binary, ['garbage-collect', '--delete-untagged', configPath], {
          reject: false,
          all: true,
        });
        const output = result.all ?? '';
        collections.runs += 1;
        collections.blobsDeleted += (output.match(/^blob eligible for deletion/gm) ?? []).length;
        collections.manifestsDeleted += (output.match(/^manifest eligible for deletion/gm) ?? []).length;
        if (result.exitCode !== 0) throw new Error(`garbage-collect failed: ${output.slice(-500)}`);
      } finally {
        collections.heldWrites += held.length;
        closed = false;
        for (const release of held.splice(0)) release();
        collections.windowMs += Date.now() - started;
      }
    },
    /** Bytes of every file under the storage directory. */
    async storageBytes() {
      let total = 0;
      const walk = async (path) => {
        for (const entry of await readdir(path, { withFileTypes: true })) {
          const child = join(path, entry.name);
          if (entry.isDirectory()) await walk(child);
          else if (entry.isFile()) total += (await stat(child)).size;
        }
      };
      await walk(storage);
      return total;
    },
    /** Every repository with its tags. */
    async catalog() {
      // distribution answers at most 1000 names a page, the next page after the last name given.
      const repositories = [];
      for (let last = ''; ; ) {
        const page = await fetch(
          `http://${host}/v2/_catalog?n=1000${last && `&last=${encodeURIComponent(last)}`}`,
        );
        if (!page.ok) throw new Error(`catalog: ${page.status} ${await page.text()}`);
        const names = (await page.json()).repositories ?? [];
        repositories.push(...names);
        if (names.length < 1000) break;
        last = names.at(-1);
      }
      const out = [];
      for (const repository of repositories) {
        const answer = await fetch(`http://${host}/v2/${repository}/tags/list`);
        const tags = answer.ok ? ((await answer.json()).tags ?? []) : [];
        if (tags.length > 0) out.push({ repository, tags });
      }
      return out;
    },
    async stop() {
      gate.closeAllConnections();
      await new Promise((resolve) => gate.close(resolve));
      child.kill('SIGTERM');
      await child;
      await accessLog.settled();
      file.end();
    },
    logPath,
  };
}
