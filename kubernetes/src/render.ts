import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifests, renderManifest } from './manifests.js';

// Writes kubernetes/*.yaml from the typed manifests (run from dist/, so the files land one level up).
const root = join(import.meta.dirname, '..');
for (const [name, objects] of Object.entries(manifests)) {
  await writeFile(join(root, name), renderManifest(objects));
  console.log(`wrote kubernetes/${name}`);
}
