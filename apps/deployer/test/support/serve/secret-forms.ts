import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The forms an attacker's build step would print a secret in to get past masking: as is, reversed, as
 * hex and as base64. A secret that never reaches the build is in none of them, anywhere.
 */
export function secretForms(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret);
  return {
    plain: secret,
    reversed: [...secret].reverse().join(''),
    hex: bytes.toString('hex'),
    base64: bytes.toString('base64').replace(/=+$/, ''),
  };
}

/** The names of the forms of `secret` found in `text` (empty when none). */
export function formsIn(text: string, secret: string): string[] {
  return Object.entries(secretForms(secret))
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
}

/**
 * Every blob the registry stores (layers un-gzipped, manifests and configs as they are), as text: what
 * anyone who can pull an image or a cache ref could read.
 */
export async function registryBlobsText(storageDir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name === 'data') {
        const bytes = await readFile(path);
        const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
        parts.push((gzipped ? gunzipSync(bytes) : bytes).toString('latin1'));
      }
    }
  };
  await walk(join(storageDir, 'docker', 'registry', 'v2', 'blobs'));
  return parts.join('\n');
}
