import { type BuildkitTls, buildctlConnectionArgs, parseBuildkitAddress } from '@deployer/buildkit-runner';
import { ProcessError, runProcess } from '@deployer/process';

export type DaemonHealth =
  | {
      ok: true;
      /** CPUs the daemon reports through its workers' `deployer.cpus` label; null when none does. */
      cpus: number | null;
    }
  | { ok: false; reason: string };

export interface HealthCheckOptions {
  buildctlPath?: string;
  tls?: BuildkitTls;
  /** How long the daemon may take to answer. Default 5000 ms. */
  timeoutMs?: number;
  env?: Readonly<Record<string, string>>;
}

/**
 * The worker label a daemon's CPU count travels in. BuildKit itself does not report CPUs, so the
 * daemon is started with `--oci-worker-labels deployer.cpus=N` (the Kubernetes manifests set it from
 * the pod's CPU limit); without it the pool's default capacity applies.
 */
export const cpusLabel = 'deployer.cpus';

/** Whether the daemon answers `buildctl debug workers` in time, and the CPUs it reports. */
export async function checkDaemon(address: string, options: HealthCheckOptions = {}): Promise<DaemonHealth> {
  const output: string[] = [];
  const errors: string[] = [];
  try {
    const outcome = await runProcess({
      file: options.buildctlPath ?? 'buildctl',
      args: [
        ...buildctlConnectionArgs(parseBuildkitAddress(address), options.tls),
        'debug',
        'workers',
        '--format',
        '{{json .}}',
      ],
      ...(options.env !== undefined && { env: { ...options.env } }),
      deadline: Date.now() + (options.timeoutMs ?? 5_000),
      killGraceMs: 1_000,
      onLine: (stream, line) => (stream === 'stdout' ? output : errors).push(line),
    });
    if (outcome.stoppedBy === 'timeout') {
      return { ok: false, reason: `did not answer within ${options.timeoutMs ?? 5_000} ms` };
    }
    if (outcome.exitCode !== 0) {
      return {
        ok: false,
        reason: errors.slice(-3).join(' ').trim() || `buildctl exited ${outcome.exitCode}`,
      };
    }
    return { ok: true, cpus: cpusOf(output.join('\n')) };
  } catch (error) {
    if (error instanceof ProcessError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The largest `deployer.cpus` label among the workers `buildctl debug workers --format '{{json .}}'` printed. */
export function cpusOf(workersJson: string): number | null {
  let workers: unknown;
  try {
    workers = JSON.parse(workersJson);
  } catch {
    return null;
  }
  if (!Array.isArray(workers)) return null;
  let cpus: number | null = null;
  for (const worker of workers) {
    const label = (worker as { labels?: Record<string, unknown> } | null)?.labels?.[cpusLabel];
    const value = typeof label === 'string' && /^[1-9]\d{0,3}$/.test(label) ? Number(label) : null;
    if (value !== null && (cpus === null || value > cpus)) cpus = value;
  }
  return cpus;
}
