import { wholeNumberFlag } from './whole-number-flag.js';

/** `--builds-per-daemon`: plain decimal digits from 1 to 64, like `--concurrency`. */
export function buildsPerDaemonFromFlag(command: string, value: string | undefined): number | undefined {
  return wholeNumberFlag(command, 'builds-per-daemon', value, { min: 1, max: 64 });
}
