import type { State } from '../database/open-state.js';
import type { EnvironmentSummary } from '../types.js';
import { environmentSummaries } from './environment-summaries.js';

/** Every environment (deleted ones included), most recently active first, each with its newest build. */
export async function listEnvironments(state: State): Promise<EnvironmentSummary[]> {
  return (await environmentSummaries(state)).map((entry) => entry.summary);
}
