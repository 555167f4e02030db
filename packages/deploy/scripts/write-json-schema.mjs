// Writes schema/environment.schema.json from the built package, formatted as biome formats it; a test
// checks the shipped file is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { environmentJsonSchema } from '../dist/index.js';

const target = fileURLToPath(new URL('../schema/environment.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`);
await execa('pnpm', ['exec', 'biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}`);
