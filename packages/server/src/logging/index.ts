export { bindRun, type RunFields } from './bind-run.js';
export { createLogger, type LoggerOptions } from './create-logger.js';
export type { LogMasker } from './log-masking.js';
