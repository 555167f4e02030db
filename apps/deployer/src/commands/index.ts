import type { Command } from '../cli/command.js';
import { buildUsage } from './usage/build.js';
import { cacheGcUsage } from './usage/cache-gc.js';
import { cacheLsUsage } from './usage/cache-ls.js';
import { cachePlanUsage } from './usage/cache-plan.js';
import { devDownUsage, devStatusUsage, devUpUsage } from './usage/dev.js';
import { downUsage } from './usage/down.js';
import { planUsage } from './usage/plan.js';
import { serveUsage } from './usage/serve.js';

/*
 * Every command: its usage (path, summary, flags: all `--help` needs) and a loader of its module. A
 * command's module, and what it imports (spec schemas, engines, registry client, progress view), is
 * imported only when that command runs; `--help` and the overview load none of them.
 */
export const commands: readonly Command[] = [
  { ...buildUsage, load: async () => (await import('./build.js')).runBuild },
  { ...planUsage, load: async () => (await import('./plan.js')).runPlan },
  { ...downUsage, load: async () => (await import('./down.js')).runDown },
  { ...cacheLsUsage, load: async () => (await import('./cache-ls.js')).runCacheLs },
  { ...cacheGcUsage, load: async () => (await import('./cache-gc.js')).runCacheGc },
  { ...cachePlanUsage, load: async () => (await import('./cache-plan.js')).runCachePlan },
  { ...serveUsage, load: async () => (await import('./serve.js')).runServe },
  { ...devUpUsage, load: async () => (await import('./dev.js')).runDevUp },
  { ...devStatusUsage, load: async () => (await import('./dev.js')).runDevStatus },
  { ...devDownUsage, load: async () => (await import('./dev.js')).runDevDown },
];
