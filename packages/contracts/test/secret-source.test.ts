import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretSource, unavailableSecretSource } from '../src/index.js';

let dir: string;
let readableFile: string;
let unreadableFile: string;
const secretValue = 'npm_T0p-S3cret-value-8812';
const fileContents = 'file-secret-contents-4410';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'contracts-secret-source-'));
  readableFile = join(dir, 'readable.json');
  unreadableFile = join(dir, 'unreadable.json');
  await writeFile(readableFile, fileContents);
  await writeFile(unreadableFile, fileContents);
  await chmod(unreadableFile, 0o000);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// root reads any file whatever its mode; a path through a file (ENOTDIR) is one root may not read either.
const runsAsRoot = process.getuid?.() === 0;

describe('unavailableSecretSource', () => {
  it('answers null when every variable is set and every file readable', async () => {
    const secrets: SecretSource[] = [
      { id: 'npm', env: 'NPM_TOKEN' },
      { id: 'gcloud', file: readableFile },
    ];
    expect(await unavailableSecretSource(secrets, { NPM_TOKEN: secretValue })).toBeNull();
    expect(await unavailableSecretSource([], {})).toBeNull();
  });

  it('counts an empty variable as set: only an absent one is missing', async () => {
    expect(await unavailableSecretSource([{ id: 'npm', env: 'NPM_TOKEN' }], { NPM_TOKEN: '' })).toBeNull();
  });

  it('names the unset variable and the secret id, with its index', async () => {
    const secrets: SecretSource[] = [
      { id: 'gcloud', file: readableFile },
      { id: 'npm', env: 'NPM_TOKEN' },
    ];
    expect(await unavailableSecretSource(secrets, { OTHER: secretValue })).toEqual({
      secret: { id: 'npm', env: 'NPM_TOKEN' },
      index: 1,
      reason: 'environment variable NPM_TOKEN (secret npm) is not set',
    });
  });

  it('names a missing file and the secret id', async () => {
    const missing = join(dir, 'no-such-file');
    expect(await unavailableSecretSource([{ id: 'key', file: missing }], {})).toEqual({
      secret: { id: 'key', file: missing },
      index: 0,
      reason: `file ${missing} (secret key) is not readable`,
    });
  });

  it('names a file that may not be read (mode 000; as root, a path through a file)', async () => {
    const unreadable = runsAsRoot ? join(readableFile, 'inside') : unreadableFile;
    const found = await unavailableSecretSource(
      [
        { id: 'npm', env: 'NPM_TOKEN' },
        { id: 'key', file: unreadable },
      ],
      { NPM_TOKEN: secretValue },
    );
    expect(found).toMatchObject({ index: 1, reason: `file ${unreadable} (secret key) is not readable` });
  });

  it('reports the first unavailable source, never a value', async () => {
    const found = await unavailableSecretSource(
      [
        { id: 'gcloud', file: readableFile },
        { id: 'first', env: 'UNSET_ONE' },
        { id: 'second', file: join(dir, 'gone') },
      ],
      { NPM_TOKEN: secretValue },
    );
    expect(found?.secret.id).toBe('first');
    expect(JSON.stringify(found)).not.toContain(secretValue);
    expect(JSON.stringify(found)).not.toContain(fileContents);
  });
});
