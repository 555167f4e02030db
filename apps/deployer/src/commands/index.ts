import type { Command } from '../cli/command.js';
import { cachePlanCommand } from './cache-plan.js';

export const commands: readonly Command[] = [cachePlanCommand];
