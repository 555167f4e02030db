/**
 * The placeholder for the temporary directory a real engine run creates (and removes) per build: where
 * `EngineArgv` (engine-argv.ts) shows the files such a run would create there.
 */
export const engineTempPlaceholder = '<temp>';
