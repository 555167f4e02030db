import type { Writable } from 'node:stream';
import type { BuildEvent } from '@deployer/contracts';
import type { DeployEvent, ServiceResult } from '@deployer/deploy';
import { formatBytes, formatDuration } from './table.js';

/** Turns deploy events into what a person watching sees. */
export interface ProgressView {
  onEvent(event: DeployEvent): void;
  close(): void;
}

interface ServiceLine {
  state: string;
  /** The BuildKit daemon of a pool the service builds on, once the pool placed it. */
  daemon?: string;
}

const color = (enabled: boolean, code: number) => (text: string) =>
  enabled ? `\u001b[${code}m${text}\u001b[0m` : text;

/** A live line per service, redrawn in place (TTY only). */
export function liveProgress(out: Writable, services: readonly string[], useColor: boolean): ProgressView {
  const lines = new Map<string, ServiceLine>(services.map((service) => [service, { state: 'waiting' }]));
  const width = Math.max(...services.map((service) => service.length));
  const green = color(useColor, 32);
  const red = color(useColor, 31);
  const dim = color(useColor, 2);
  let drawn = 0;
  const draw = () => {
    if (drawn > 0) out.write(`\u001b[${drawn}A`);
    for (const [service, line] of lines) {
      const daemon = line.daemon === undefined ? '' : `  ${dim(`on ${line.daemon}`)}`;
      out.write(`\u001b[2K${service.padEnd(width)}  ${line.state}${daemon}\n`);
    }
    drawn = lines.size;
  };
  draw();
  return {
    onEvent({ service, event }) {
      const line = lines.get(service);
      if (line === undefined) return;
      if (event.type === 'started') line.state = 'building';
      if (event.type === 'engine' && event.event.type === 'step-started') {
        line.state = `building step ${event.event.index}${event.event.total ? ` of ${event.event.total}` : ''} ${dim(event.event.name.slice(0, 60))}`;
      }
      if (event.type === 'engine' && event.event.type === 'daemon') line.daemon = event.event.daemon;
      if (event.type === 'engine' && event.event.type === 'retry')
        line.state = `retrying: ${event.event.reason}`;
      if (event.type === 'took-over') line.state = tookOverState(event);
      if (event.type === 'seeded') line.state = seedingText(event.seeding);
      if (event.type === 'finished') line.state = finishedState(event.result, green, red);
      draw();
    },
    close() {},
  };
}

/** One line per noteworthy event, each naming the environment and the service (logs, CI). */
export function plainProgress(out: Writable): ProgressView {
  return {
    onEvent({ buildUuid, service, event }) {
      const prefix = `[${buildUuid}] ${service}:`;
      switch (event.type) {
        case 'started':
          out.write(`${prefix} building\n`);
          break;
        case 'engine': {
          const engineEvent = event.event;
          if (engineEvent.type === 'step-completed') {
            out.write(`${prefix} ${engineEvent.cached ? 'CACHED' : 'done  '} ${engineEvent.name}\n`);
          } else if (engineEvent.type === 'step-shared') {
            out.write(`${prefix} SHARED ${engineEvent.name}\n`);
          } else if (engineEvent.type === 'cache-miss') {
            out.write(`${prefix} ${cacheMiss(engineEvent)}\n`);
          } else if (engineEvent.type === 'step-errored') {
            out.write(`${prefix} ERROR  ${engineEvent.name}: ${engineEvent.error}\n`);
          } else if (engineEvent.type === 'retry') {
            out.write(`${prefix} retry ${engineEvent.attempt}: ${engineEvent.reason}\n`);
          } else if (engineEvent.type === 'daemon') {
            out.write(`${prefix} ${daemonLine(engineEvent)}\n`);
          } else if (engineEvent.type === 'warning') {
            out.write(`${prefix} warning: ${engineEvent.message}\n`);
          }
          break;
        }
        case 'healed':
          out.write(`${prefix} deleted corrupt cache ${event.refs.join(', ')}\n`);
          break;
        case 'heal-failed':
          out.write(`${prefix} could not delete corrupt cache ${event.refs.join(', ')}\n`);
          break;
        case 'warning':
          out.write(`${prefix} warning: ${event.message}\n`);
          break;
        case 'took-over':
          out.write(`${prefix} ${tookOverState(event)}\n`);
          break;
        case 'seeded':
          out.write(`${prefix} ${seedingText(event.seeding)}\n`);
          break;
        case 'finished':
          out.write(
            `${prefix} ${finishedState(
              event.result,
              (text) => text,
              (text) => text,
            )}\n`,
          );
          break;
      }
    },
    close() {},
  };
}

/**
 * A cache ref that could not be imported is a miss, and a new environment's own ref always is one: no
 * error line. Only a reason other than "not found" (a registry misconfigured, unreachable) is worth showing.
 */
function cacheMiss(event: Extract<BuildEvent, { type: 'cache-miss' }>): string {
  return /\bnot found\b/i.test(event.reason)
    ? `cache miss ${event.ref}`
    : `cache miss ${event.ref}: ${event.reason}`;
}

/** Where a pool placed the build, and after which daemons failed it. */
function daemonLine(event: Extract<BuildEvent, { type: 'daemon' }>): string {
  return event.tried.length === 0
    ? `on daemon ${event.daemon}`
    : `on daemon ${event.daemon} (after ${event.tried.join(', ')} failed)`;
}

/** `3/4 steps cached`, and how many a concurrent identical build ran for this one. */
function stepSummary(steps: ServiceResult['steps']): string {
  return `${steps.cached}/${steps.total} steps cached${steps.shared > 0 ? `, ${steps.shared} shared` : ''}`;
}

/**
 * What seeding the own cache ref from a fallback did: `cache seeded from …/main:cache (12 blobs, 68.1 MiB
 * mounted in the registry, none moved)`, or why it was not.
 */
export function seedingText(seeding: NonNullable<ServiceResult['seeding']>): string {
  // An engine that seeds after the build (buildah's layer mounts) says what it did in `reason` only.
  if (seeding.status === 'mounted') {
    return seeding.from == null || seeding.bytes === undefined
      ? `cache seeded: ${seeding.reason}`
      : `cache seeded from ${seeding.from} (${seeding.blobs} blobs, ${formatBytes(seeding.bytes)} linked in the registry, none moved)`;
  }
  return `cache not seeded${seeding.from == null ? '' : ` from ${seeding.from}`}: ${seeding.reason}`;
}

function tookOverState(event: Extract<DeployEvent['event'], { type: 'took-over' }>): string {
  const holder = `run ${event.runId}${event.host === null ? '' : ` on ${event.host}`}`;
  return event.waitMs > 0
    ? `taking over from ${holder}: waiting ${formatDuration(event.waitMs)} for it to stop`
    : `taking over the stale lease of ${holder}`;
}

function finishedState(
  result: ServiceResult,
  ok: (text: string) => string,
  bad: (text: string) => string,
): string {
  const steps = stepSummary(result.steps);
  switch (result.status) {
    case 'built':
      return ok(
        `done ${formatDuration(result.durationMs)}, ${steps}${result.healed ? ', healed corrupt cache' : ''}${
          result.seeding?.status === 'mounted'
            ? `, cache seeded${result.seeding.bytes === undefined ? '' : ` (${formatBytes(result.seeding.bytes)} mounted)`}`
            : ''
        }${result.daemon === undefined ? '' : ` on ${result.daemon}`}`,
      );
    case 'skipped':
      return ok(`skipped: ${result.reason ?? 'image exists'}`);
    case 'superseded':
      return bad(`superseded: ${result.reason ?? 'a newer run took over'}`);
    case 'failed':
      return bad(`failed: ${result.reason ?? 'unknown reason'}`);
  }
}
