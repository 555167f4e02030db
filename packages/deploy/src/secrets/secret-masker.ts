/** What a masked secret is replaced with, as CI systems do. */
export const secretMark = '***';

/**
 * Values (and lines of multi-line values) shorter than this are not masked: replacing every `ab` or `1`
 * in a build log would destroy it while hiding nothing worth hiding. deployer warns about them instead.
 */
export const minimumMaskedLength = 4;

/** A non-empty value that cannot be masked (see minimumMaskedLength); deployer warns about it. */
export function tooShortToMask(value: string): boolean {
  const length = value.trim().length;
  return length > 0 && length < minimumMaskedLength;
}

/** Encoded forms are only masked from this length on: shorter base64 fragments match too much by chance. */
const minimumEncodedLength = 6;

/**
 * Replaces known secret values with `***` in text a build prints or returns. Besides each value it masks
 * the value trimmed, each line of a multi-line value, and the forms a step commonly prints a secret in:
 * base64 (standard and URL-safe alphabet, at every byte offset, so the value inside a longer base64
 * string is found too) and URL-encoding. It matches whole lines as the engines deliver them (they join
 * the engine's chunks into lines first); a value printed with characters inserted into it is not found.
 */
export class SecretMasker {
  /** Masks nothing. */
  static readonly none = new SecretMasker([]);

  private readonly pattern: RegExp | null;

  constructor(values: readonly string[]) {
    const forms = new Set<string>();
    for (const value of values) {
      const trimmed = value.trim();
      for (const plain of new Set([value, trimmed, ...value.split(/\r?\n/).map((line) => line.trim())])) {
        if (plain.length < minimumMaskedLength) continue;
        forms.add(plain);
        for (const encoded of encodings(plain)) {
          if (encoded.length >= minimumEncodedLength) forms.add(encoded);
        }
      }
    }
    // Longest first: where a value contains another, the whole of it is masked.
    const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = alternatives.length === 0 ? null : new RegExp(alternatives.join('|'), 'g');
  }

  get masksAnything(): boolean {
    return this.pattern !== null;
  }

  mask(text: string): string {
    return this.pattern === null ? text : text.replace(this.pattern, secretMark);
  }

  /** A copy of a JSON-like value (events, results) with every string in it masked. */
  maskDeep<T>(value: T): T {
    if (this.pattern === null) return value;
    return this.maskAny(value) as T;
  }

  private maskAny(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((item) => this.maskAny(item));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.maskAny(item)]));
    }
    return value;
  }
}

function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((offset) => base64AtOffset(bytes, offset));
  const urlSafe = base64.map((text) => text.replaceAll('+', '-').replaceAll('/', '_'));
  return [...base64, ...urlSafe, encodeURIComponent(value)].filter((form) => form !== value);
}

/**
 * The base64 characters that depend only on `bytes` when they sit `offset` bytes into a longer
 * encoded buffer: the characters shared with the bytes before and after are dropped (the padding too).
 */
function base64AtOffset(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
    .toString('base64')
    .replace(/=+$/, '');
  const leading = Math.ceil((offset * 8) / 6);
  const trailing = (offset + bytes.length) % 3 === 0 ? 0 : 1;
  return encoded.slice(leading, encoded.length - trailing);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
