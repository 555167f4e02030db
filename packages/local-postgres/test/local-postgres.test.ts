import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries, LocalPostgresError, startPostgres } from '../src/index.js';

const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('serves a real Postgres on loopback, then stops it and removes its folder', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'local-postgres-test-'));
    cleanup.push(parent);
    await chmod(parent, 0o755); // the postgres account must reach its folder inside
    const postgres = await startPostgres({ dir: parent });
    expect(postgres.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(postgres.dir.startsWith(parent)).toBe(true);
    expect(existsSync(join(postgres.dir, 'data', 'PG_VERSION'))).toBe(true);

    await query(postgres.url, 'CREATE TABLE t (n int)');
    await query(postgres.url, 'INSERT INTO t VALUES (41), (1)');
    const [row] = await query(postgres.url, 'SELECT sum(n)::int AS total, current_user AS who FROM t');
    expect(row).toEqual({ total: 42, who: 'postgres' });
    const [settings] = await query(postgres.url, "SELECT current_setting('fsync') AS fsync");
    expect(settings).toEqual({ fsync: 'off' });

    // A client still connected does not hold the stop (fast shutdown).
    const lingering = new pg.Client({ connectionString: postgres.url });
    lingering.on('error', () => {});
    await lingering.connect();
    const started = Date.now();
    await postgres.stop();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(existsSync(postgres.dir)).toBe(false);
    await expect(query(postgres.url, 'SELECT 1')).rejects.toThrow();
    await lingering.end().catch(() => {});
    await postgres.stop(); // idempotent
  });

  it('runs two at once on distinct ports and folders, each its own database', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dir).not.toBe(b.dir);
      await query(a.url, 'CREATE TABLE only_in_a (n int)');
      await expect(query(b.url, 'SELECT * FROM only_in_a')).rejects.toThrow(/does not exist/);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(existsSync(a.dir) || existsSync(b.dir)).toBe(false);
  });

  it('names the Debian package when no Postgres is installed', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'local-postgres-none-'));
    cleanup.push(empty);
    const failure = await findPostgresBinaries(empty).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LocalPostgresError);
    expect(failure).toMatchObject({ code: 'BINARY_MISSING' });
    expect((failure as Error).message).toContain('apt-get install postgresql');
  });
});

describe('startPostgres from a process that is killed', () => {
  it('dies with it (SIGKILL included), and the next start removes the dead run’s folder', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'local-postgres-killed-'));
    cleanup.push(parent);
    await chmod(parent, 0o755);
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const code = `
      import { startPostgres } from ${JSON.stringify(dist)};
      const postgres = await startPostgres({ dir: ${JSON.stringify(parent)} });
      console.log(JSON.stringify({ dir: postgres.dir }));
      setInterval(() => {}, 1000);
    `;
    const child = execa(process.execPath, ['--input-type=module', '-e', code], { reject: false });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', () => reject(new Error('child exited before starting postgres')));
    });
    const { dir } = JSON.parse(line) as { dir: string };
    const postmaster = Number.parseInt(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8'), 10);
    expect(alive(postmaster)).toBe(true);

    child.kill('SIGKILL');
    await child;
    const deadline = Date.now() + 10_000;
    while (alive(postmaster) && Date.now() < deadline) await sleep(50);
    expect(alive(postmaster)).toBe(false);
    expect(existsSync(dir)).toBe(true); // nobody ran stop()

    const next = await startPostgres({ dir: parent });
    await next.stop();
    expect(existsSync(dir)).toBe(false);
  });
});

/** Running (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
