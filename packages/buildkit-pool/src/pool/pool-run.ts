import { expandDaemonEntries, parseDaemonEntry } from '../daemons/addresses.js';
import { checkDaemon } from '../daemons/health-check.js';
import { BuildkitPoolError } from '../errors.js';
import { DaemonSlots } from '../routing/daemon-slots.js';
import { createHashRing, type HashRing } from '../routing/hash-ring.js';
import type { PoolSettings } from './pool-options.js';

/**
 * One run's view of the pool: the daemons its entries stand for now (dns:// resolved once per run), the
 * ring over all of them — a daemon that is down keeps its place, so its keys come back to it — and
 * their build slots, with the daemons that failed their health check cooling down.
 */
export interface PoolRun {
  daemons: readonly string[];
  ring: HashRing;
  slots: DaemonSlots;
  /** Takes a daemon out for the cool-down (a failed health check, a build it lost). */
  markDown(daemon: string, reason: string): void;
}

/** The daemons the entries name, before any health check (what `plan` shows). */
export async function listDaemons(settings: PoolSettings): Promise<string[]> {
  return expandDaemonEntries(settings.entries.map(parseDaemonEntry), settings.dns);
}

export async function startPoolRun(settings: PoolSettings): Promise<PoolRun> {
  const daemons = await listDaemons(settings);
  const checks = await Promise.all(
    daemons.map((daemon) =>
      checkDaemon(daemon, {
        ...(settings.engine.buildctlPath !== undefined && { buildctlPath: settings.engine.buildctlPath }),
        ...(settings.engine.tls !== undefined && daemon.startsWith('tcp://') && { tls: settings.engine.tls }),
        ...(settings.engine.env !== undefined && { env: settings.engine.env }),
        timeoutMs: settings.healthCheckTimeoutMs,
      }),
    ),
  );
  const capacities = new Map(
    daemons.map((daemon, index) => {
      const check = checks[index];
      const reported = check?.ok === true ? check.cpus : null;
      return [daemon, settings.buildsPerDaemon ?? reported ?? settings.defaultBuildsPerDaemon];
    }),
  );
  const slots = new DaemonSlots(capacities);
  const markDown = (daemon: string, reason: string) => {
    if (!slots.isAvailable(daemon)) return;
    slots.setAvailable(daemon, false);
    const untilMs = Date.now() + settings.coolDownMs;
    settings.onEvent({ type: 'daemon-down', daemon, reason, untilMs });
    setTimeout(() => {
      slots.setAvailable(daemon, true);
      settings.onEvent({ type: 'daemon-up', daemon });
    }, settings.coolDownMs).unref();
  };
  settings.onEvent({
    type: 'daemons',
    daemons: daemons.map((daemon, index) => ({
      daemon,
      capacity: capacities.get(daemon) as number,
      up: checks[index]?.ok === true,
    })),
  });
  checks.forEach((check, index) => {
    if (check.ok === false) markDown(daemons[index] as string, `does not answer: ${check.reason}`);
  });
  if (checks.every((check) => !check.ok)) {
    const reasons = daemons.map((daemon, index) => {
      const check = checks[index];
      return `${daemon} (${check?.ok === false ? check.reason : 'unknown'})`;
    });
    throw new BuildkitPoolError(
      'NO_DAEMON',
      `no BuildKit daemon of the pool answers; tried ${reasons.join(', ')}`,
      { daemonsTried: daemons },
    );
  }
  return { daemons, ring: createHashRing(daemons, settings.virtualNodes), slots, markDown };
}
