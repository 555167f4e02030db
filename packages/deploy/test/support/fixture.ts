import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface Fixture {
  dir: string;
  specFile: string;
  write(relative: string, content: string): Promise<void>;
  writeSpec(spec: unknown): Promise<string>;
  remove(): Promise<void>;
}

/** A temp directory with files and an `env.yaml`; every service context gets a tiny Dockerfile. */
export async function createFixture(files: Record<string, string> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-test-'));
  const specFile = join(dir, 'env.yaml');
  const write = async (relative: string, content: string) => {
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  };
  for (const [path, content] of Object.entries(files)) await write(path, content);
  return {
    dir,
    specFile,
    write,
    async writeSpec(spec) {
      await writeFile(specFile, typeof spec === 'string' ? spec : stringify(spec));
      return specFile;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Files for services with one-line Dockerfiles, one context directory each. */
export function serviceFiles(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`${name}/Dockerfile`, `FROM scratch\nCOPY . /${name}\n`]));
}

/** `${path}` as the spec writes a reference, e.g. `specRef('services.base.image')`. */
export function specRef(path: string): string {
  return `${'$'}{${path}}`;
}
