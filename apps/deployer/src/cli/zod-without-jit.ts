import { config } from 'zod';

/**
 * Turns off zod's JIT for this process: on an object schema's first parse, zod compiles a parser for it
 * (`new Function`), which pays off over many parses. A command parses its spec (and a few registry
 * records) once, so compiling costs more than it saves: ~1.5 ms of a fully cached build. A process-wide
 * setting, so the CLI's to make (the packages leave it to whoever runs them), once it loads zod anyway.
 */
export function useZodWithoutJit(): void {
  config({ jitless: true });
}
