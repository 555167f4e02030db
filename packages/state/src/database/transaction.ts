import type { Transaction } from 'kysely';
import type { StateDatabase } from './schema.js';

/** A transaction over the state's tables: the functions that make up one step take it. */
export type StateTransaction = Transaction<StateDatabase>;
