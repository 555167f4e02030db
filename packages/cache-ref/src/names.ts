// `@deployer/cache-ref/names`: the registry kinds a command line offers as choices (`--kind`), without the
// config schemas. A CLI's `--help` imports this alone, so it never loads zod. The engine names and cache
// flavours it offers are @deployer/contracts' (`engineChoices`, `cacheFlavours`), as light.

export { registryKinds } from './config/registry-kinds.js';
