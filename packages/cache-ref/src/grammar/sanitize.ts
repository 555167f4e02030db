import { CacheRefError } from '../errors.js';
import { portableComponentPattern } from './patterns.js';
import { shortHash, shortHashLength } from './short-hash.js';

export interface SanitizeOptions {
  /** Longest result allowed, hash suffix included. */
  maxLength: number;
  /**
   * The separator sanitising writes. `_` keeps `-` out of the result, which the tag strategy needs so
   * that the service and the build uuid in `cache-<service>-<uuid>` stay separable.
   */
  separator?: '-' | '_';
  /** Names the input in errors, e.g. `service` or `build uuid`. */
  what: string;
}

const noDashPattern = /^[a-z0-9]+(?:[._][a-z0-9]+)*$/;

/**
 * What sanitising writes ends in the hash, alone or after the separator: `web_x_<hash>`, `<hash>`. A name
 * that already has this shape could be some other name's encoding, so it is encoded too; then a name kept
 * as it is never has the shape, an encoded one always does, and two encoded ones differ in their hash.
 */
const encodedShape = {
  '-': new RegExp(`(?:^|-)[0-9a-f]{${shortHashLength}}$`),
  _: new RegExp(`(?:^|_)[0-9a-f]{${shortHashLength}}$`),
} as const;

/**
 * Turns free text (a service name, a build uuid, a branch) into one portable path component.
 * Input that already is one passes unchanged, unless it looks like an encoding (ends in the separator and
 * a hash); anything else is lower-cased, its other characters become separators, separator runs collapse,
 * ends are trimmed, and a hash of the original is appended, so two distinct inputs never give the same
 * component (`web` and `WEB` stay two refs, and so do `web-x` and a name spelled like its encoding).
 */
export function sanitizeComponent(input: string, options: SanitizeOptions): string {
  const separator = options.separator ?? '-';
  if (input.trim() === '') {
    throw new CacheRefError('INVALID_COMPONENT', {
      part: options.what,
      rule: 'must not be empty',
      input,
    });
  }
  if (options.maxLength < shortHashLength + 2) {
    throw new CacheRefError('INVALID_COMPONENT', {
      part: options.what,
      rule: `leaves only ${options.maxLength} characters, too few for a unique name`,
      input,
    });
  }
  const valid = separator === '_' ? noDashPattern : portableComponentPattern;
  if (input.length <= options.maxLength && valid.test(input) && !encodedShape[separator].test(input)) {
    return input;
  }

  const base = input
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, separator)
    .replace(/[._-]{2,}/g, separator)
    .slice(0, options.maxLength - shortHashLength - 1)
    .replace(/^[._-]+|[._-]+$/g, '');
  const hash = shortHash(input);
  return base === '' ? hash : `${base}${separator}${hash}`;
}
