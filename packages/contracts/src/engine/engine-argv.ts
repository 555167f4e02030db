/**
 * The command line an engine would run for a request, composed by the very function its build uses, so
 * `plan` shows what `build` runs. Secrets appear by reference (`id=…,env=VAR` / `src=FILE`), never by value.
 */
export interface EngineArgv {
  /**
   * The program, then its arguments. A file a real run creates in a fresh temporary directory appears
   * under the placeholder directory `<temp>` (`engineTempPlaceholder`); a value only the
   * registry can settle appears as `<unresolved: …>` (see `unresolved`).
   */
  argv: string[];
  /** Values of argv that could not be settled now, e.g. buildah's one `--cache-from` with the registry down. */
  unresolved: EngineArgvUnresolved[];
}

export interface EngineArgvUnresolved {
  /** The flag whose value is open, e.g. `--cache-from`. */
  flag: string;
  /** What the engine would choose among, in its order of preference. */
  candidates: string[];
  /** Why it is open, e.g. which registry could not be asked. */
  reason: string;
}
