import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { findRunningRegistry, LocalRegistryError, startLocalRegistry, stopByPid } from '../src/index.js';

/** Running (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const cleanup: string[] = [];
// Child processes import the built package: these cases are about process lifetimes, not the API.
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function inChildProcess(code: string): Promise<{ pid: number; host: string; ms: number }> {
  const started = Date.now();
  const { stdout } = await execa(process.execPath, ['--input-type=module', '-e', code], { timeout: 20_000 });
  return { ...(JSON.parse(stdout) as { pid: number; host: string }), ms: Date.now() - started };
}
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

describe('startLocalRegistry', () => {
  it('serves /v2/ on a loopback port with deletion enabled, then stops idempotently', async () => {
    const registry = await startLocalRegistry();
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`http://${registry.host}`);
    const response = await fetch(`${registry.url}/v2/`);
    expect(response.status).toBe(200);
    // Deleting an unknown manifest answers 404 only when deletes are enabled (405 UNSUPPORTED otherwise).
    const del = await fetch(`${registry.url}/v2/x/manifests/sha256:${'0'.repeat(64)}`, { method: 'DELETE' });
    expect(del.status).toBe(404);
    expect(alive(registry.pid)).toBe(true);
    await registry.stop();
    await registry.stop();
    expect(alive(registry.pid)).toBe(false);
    expect(existsSync(registry.storageDir)).toBe(false);
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });

  it('runs two registries side by side on different ports', async () => {
    const [a, b] = await Promise.all([startLocalRegistry(), startLocalRegistry()]);
    try {
      expect(a.host).not.toBe(b.host);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('keeps a given storage directory and enables htpasswd auth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-registry-test-'));
    cleanup.push(dir);
    const { stdout } = await execa('htpasswd', ['-Bbn', 'alice', 'secret-pw']);
    const htpasswdPath = join(dir, 'htpasswd');
    await writeFile(htpasswdPath, `${stdout}\n`);
    const registry = await startLocalRegistry({ storageDir: join(dir, 'data'), htpasswdPath });
    try {
      expect((await fetch(`${registry.url}/v2/`)).status).toBe(401);
      const auth = Buffer.from('alice:secret-pw').toString('base64');
      expect(
        (await fetch(`${registry.url}/v2/`, { headers: { authorization: `Basic ${auth}` } })).status,
      ).toBe(200);
    } finally {
      await registry.stop();
    }
    expect(existsSync(join(dir, 'data', 'config.yml'))).toBe(true);
  });

  it('reports a missing binary with the apt-get hint', async () => {
    const error = await startLocalRegistry({ binary: '/nonexistent/docker-registry' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalRegistryError);
    expect((error as LocalRegistryError).code).toBe('BINARY_MISSING');
    expect((error as Error).message).toContain('apt-get install docker-registry');
  });

  it('fails with PORT_UNAVAILABLE when a fixed port is taken', async () => {
    const first = await startLocalRegistry();
    try {
      const port = Number(first.host.split(':')[1]);
      const error = await startLocalRegistry({ port, readyTimeoutMs: 3_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LocalRegistryError);
      expect((error as LocalRegistryError).code).toBe('PORT_UNAVAILABLE');
    } finally {
      await first.stop();
    }
  });

  it('detached mode records the pid so another process can find and stop it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-registry-detached-'));
    cleanup.push(dir);
    const registry = await startLocalRegistry({ storageDir: dir, detached: true });
    expect(await findRunningRegistry(dir)).toMatchObject({ pid: registry.pid, host: registry.host });
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
    expect(await stopByPid(dir)).toBe(true);
    expect(alive(registry.pid)).toBe(false);
    expect(await findRunningRegistry(dir)).toBeUndefined();
    expect(await stopByPid(dir)).toBe(false);
  });

  it('kills a foreground registry when the owning process exits without stop()', async () => {
    const child = await inChildProcess(
      `import { startLocalRegistry } from ${JSON.stringify(dist)};
       const r = await startLocalRegistry();
       console.log(JSON.stringify({ pid: r.pid, host: r.host }));
       process.exit(0);`,
    );
    for (let i = 0; i < 40 && alive(child.pid); i++) await sleep(25);
    expect(alive(child.pid)).toBe(false);
  });

  it('lets the starting process exit while a detached registry keeps running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-registry-detached-exit-'));
    cleanup.push(dir);
    const child = await inChildProcess(
      `import { startLocalRegistry } from ${JSON.stringify(dist)};
       const r = await startLocalRegistry({ storageDir: ${JSON.stringify(dir)}, detached: true });
       console.log(JSON.stringify({ pid: r.pid, host: r.host }));`,
    );
    try {
      expect(child.ms).toBeLessThan(10_000);
      expect(alive(child.pid)).toBe(true);
      expect((await fetch(`http://${child.host}/v2/`)).status).toBe(200);
    } finally {
      expect(await stopByPid(dir)).toBe(true);
    }
    expect(alive(child.pid)).toBe(false);
  });
});
