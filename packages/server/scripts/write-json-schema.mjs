// Writes server-config.schema.json from the built package, formatted as biome formats it; a test checks
// the shipped file is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { serverConfigJsonSchema } from '../dist/index.js';

const target = fileURLToPath(new URL('../server-config.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(serverConfigJsonSchema(), null, 2)}\n`);
await execa('pnpm', ['exec', 'biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}`);
