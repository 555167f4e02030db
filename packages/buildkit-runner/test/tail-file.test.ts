import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/progress/line-splitter.js';
import { tailFile } from '../src/progress/tail-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('tailFile', () => {
  it('waits for the file, then delivers appended bytes as they are written, the rest on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    dirs.push(dir);
    const path = join(dir, 'trace.jsonl');
    const splitter = new LineSplitter();
    const lines: string[] = [];
    const tail = tailFile(path, (chunk) => lines.push(...splitter.push(chunk)), 5);

    await sleep(20);
    writeFileSync(path, 'one\ntw');
    for (let waited = 0; lines.length === 0 && waited < 2_000; waited += 5) await sleep(5);
    expect(lines).toEqual(['one']);
    appendFileSync(path, 'o\nthree\n');
    await tail.stop();
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('reads what was written last at stop, without waiting for the next poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tail-'));
    dirs.push(dir);
    const path = join(dir, 'trace.jsonl');
    writeFileSync(path, 'first\n');
    const splitter = new LineSplitter();
    const lines: string[] = [];
    // A poll a minute apart: only stop() itself can deliver the last line in time.
    const tail = tailFile(path, (chunk) => lines.push(...splitter.push(chunk)), 60_000);
    for (let waited = 0; lines.length === 0 && waited < 2_000; waited += 5) await sleep(5);
    expect(lines).toEqual(['first']);
    appendFileSync(path, 'last\n');
    const stopping = performance.now();
    await tail.stop();
    expect(lines).toEqual(['first', 'last']);
    expect(performance.now() - stopping).toBeLessThan(5_000);
  });
});

describe('LineSplitter', () => {
  it('joins a UTF-8 character split across chunks and cuts endless lines', () => {
    const splitter = new LineSplitter(4);
    const euro = Buffer.from('€\n');
    expect(splitter.push(euro.subarray(0, 1))).toEqual([]);
    expect(splitter.push(euro.subarray(1))).toEqual(['€']);
    expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(splitter.end()).toEqual(['ij']);
  });
});
