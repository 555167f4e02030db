import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { procState } from './process-alive.js';

/*
 * A child started by runProcess leads its own process group, so stopping it stops everything it started
 * (buildah's chroot RUN steps, the `docker exec`/`kubectl exec` of buildctl's docker-container:// and
 * kube-pod:// addresses).
 */

/** Sends a signal to every process of a group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. On Linux, zombies do not count: an orphan reparented to
 * an init that does not reap stays a zombie forever, yet it is gone.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  return entries.some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = procState(entry);
    return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/** Waits until the group is empty or the deadline passes; true when it emptied. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/** How long a SIGKILLed group may take to be gone before the caller goes on anyway. */
export const killedGroupWaitMs = 5_000;

/** SIGTERM, then SIGKILL for whatever is left after the grace period; resolves once the group is gone. */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await waitForGroupExit(pgid, graceMs)) return;
  await killGroup(pgid);
}

/** SIGKILL for every process of the group; resolves once it is gone (bounded). */
export async function killGroup(pgid: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, killedGroupWaitMs);
}
