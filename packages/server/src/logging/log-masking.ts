import type { Logger } from 'pino';

/**
 * Replaces secret values in text (deploy's `SecretMasker` is one): the logger runs every argument of
 * every log call through the maskers of the logger it is called on.
 */
export interface LogMasker {
  mask(text: string): string;
}

const maskersKey = Symbol('deployer.logMaskers');
type MaskedLogger = Logger & { [maskersKey]?: readonly LogMasker[] };

/**
 * Adds a masker to a logger. Pino's children are prototype copies of their parent, so a child inherits
 * its parent's maskers and adds its own without touching the parent.
 */
export function addMasker(logger: Logger, masker: LogMasker): void {
  const target = logger as MaskedLogger;
  Object.defineProperty(target, maskersKey, {
    value: [...(target[maskersKey] ?? []), masker],
    enumerable: false,
    configurable: true,
  });
}

export function maskersOf(logger: Logger): readonly LogMasker[] {
  return (logger as MaskedLogger)[maskersKey] ?? [];
}

const maxDepth = 8;

/**
 * A log argument with every string in it masked: objects and arrays copied, errors turned into plain
 * objects (type, message, stack, code, cause) so their messages are masked too.
 */
export function maskLogValue(value: unknown, maskers: readonly LogMasker[], depth = 0): unknown {
  if (typeof value === 'string') return maskers.reduce((text, masker) => masker.mask(text), value);
  if (value === null || typeof value !== 'object' || depth > maxDepth) return value;
  if (value instanceof Error) {
    const error = value as Error & { code?: unknown };
    return maskLogValue(
      {
        type: error.name,
        message: error.message,
        stack: error.stack,
        ...(error.code !== undefined && { code: error.code }),
        ...(error.cause !== undefined && { cause: error.cause }),
      },
      maskers,
      depth + 1,
    );
  }
  if (Array.isArray(value)) return value.map((item) => maskLogValue(item, maskers, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskLogValue(item, maskers, depth + 1)]),
  );
}
