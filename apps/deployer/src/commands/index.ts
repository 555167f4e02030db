import type { Command } from '../cli/command.js';
import { buildCommand } from './build.js';
import { cacheGcCommand } from './cache-gc.js';
import { cacheLsCommand } from './cache-ls.js';
import { cachePlanCommand } from './cache-plan.js';
import { devDownCommand, devStatusCommand, devUpCommand } from './dev.js';
import { downCommand } from './down.js';
import { planCommand } from './plan.js';

export const commands: readonly Command[] = [
  buildCommand,
  planCommand,
  downCommand,
  cacheLsCommand,
  cacheGcCommand,
  cachePlanCommand,
  devUpCommand,
  devStatusCommand,
  devDownCommand,
];
