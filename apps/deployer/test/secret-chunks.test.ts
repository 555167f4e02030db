import { SolveStatusReader } from '@deployer/buildkit-runner';
import { SecretMasker } from '@deployer/deploy';
import { describe, expect, it } from 'vitest';

// How the two layers meet: the BuildKit runner joins a step's log chunks into lines, deploy masks lines.
// The chunks below are what BuildKit v0.11.6 wrote to --trace for
// `head -c 9 /run/secrets/token; sleep 1; tail -c +10 /run/secrets/token; echo` (the value cut in two).
const token = 'tok-abcdefabcdef0123456789';

function traceLine(data: string): string {
  const log = { Vertex: 'sha256:run', Stream: 1, Data: Buffer.from(data).toString('base64') };
  return `${JSON.stringify({ Vertexes: null, Statuses: null, Logs: [log], Warnings: null })}\n`;
}

describe('a secret split across BuildKit log chunks', () => {
  it('reaches the masker as one line and is masked whole, wherever the trace itself is cut', () => {
    const trace = Buffer.from(traceLine(token.slice(0, 9)) + traceLine(`${token.slice(9)}\n`));
    const masker = new SecretMasker([token]);
    for (let cut = 1; cut < trace.length; cut += 7) {
      const reader = new SolveStatusReader();
      const lines = [
        ...reader.push(trace.subarray(0, cut)),
        ...reader.push(trace.subarray(cut)),
        ...reader.end(),
      ]
        .map((event) => (event.type === 'log' ? masker.mask(event.line) : null))
        .filter((line) => line !== null);
      expect(lines, `trace cut at ${cut}`).toEqual(['***']);
    }
  });
});
