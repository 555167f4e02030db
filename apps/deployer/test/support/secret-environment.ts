import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Services whose RUN step prints a secret, each in another form, and fails. Built FROM scratch with the
 * host's static busybox, so no base image is needed.
 */
export const secretPrintingSteps = {
  // The value as is.
  plain: 'cat /run/secrets/token; exit 1',
  // A multi-line value: each line printed on its own line.
  multiline: 'cat /run/secrets/multiline; exit 1',
  // base64 of the value.
  encoded: 'base64 /run/secrets/token; exit 1',
  // One line written in two parts a second apart: the engine's log arrives in two chunks splitting it.
  chunked: 'head -c 9 /run/secrets/token; sleep 1; tail -c +10 /run/secrets/token; echo; exit 1',
} as const;

export interface SecretEnvironment {
  specFile: string;
  /** Set this variable to `token` when running deployer. */
  tokenVariable: string;
  token: string;
  /** Everything that must never be printed: the values, their lines and their base64. */
  forbidden: string[];
  dir: string;
}

export async function writeSecretEnvironment(registry: string): Promise<SecretEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), 'deployer-secrets-'));
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (busybox === undefined)
    throw new Error('no static busybox on this host: apt-get install busybox-static');
  const token = `tok-${randomBytes(12).toString('hex')}`;
  const lines = [`first-${randomBytes(6).toString('hex')}`, `second-${randomBytes(6).toString('hex')}`];
  await mkdir(join(dir, 'context'));
  await copyFile(busybox, join(dir, 'context', 'busybox'));
  await writeFile(join(dir, 'multiline.txt'), `${lines.join('\n')}\n`);
  const services: Record<string, unknown> = {};
  for (const [service, command] of Object.entries(secretPrintingSteps)) {
    await writeFile(
      join(dir, 'context', `${service}.Dockerfile`),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        'ENV PATH=/bin',
        `RUN --mount=type=secret,id=token --mount=type=secret,id=multiline ${command}`,
        '',
      ].join('\n'),
    );
    services[service] = {
      context: 'context',
      dockerfile: `${service}.Dockerfile`,
      secrets: [
        { id: 'token', env: 'DEPLOYER_E2E_SECRET_TOKEN' },
        { id: 'multiline', file: 'multiline.txt' },
      ],
    };
  }
  const specFile = join(dir, 'env.yaml');
  await writeFile(
    specFile,
    JSON.stringify({ registry: { host: registry, repository: 'masking', insecure: true }, services }),
  );
  return {
    specFile,
    tokenVariable: 'DEPLOYER_E2E_SECRET_TOKEN',
    token,
    forbidden: [token, ...lines, Buffer.from(token).toString('base64')],
    dir,
  };
}
