export { DEBIAN_POSTGRES_ROOT, findPostgresBinaries, type PostgresBinaries } from './binaries.js';
export { LocalPostgresError, type LocalPostgresErrorCode } from './errors.js';
export { type LocalPostgres, type StartPostgresOptions, startPostgres } from './start.js';
