import { type RawBuilder, sql } from 'kysely';

/**
 * A JSON value as jsonb. Sent as text and cast in SQL: pg would send a JS array as a Postgres array and
 * PGlite would JSON-encode a string a second time, so neither gets the raw value.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value ?? null, (_key, entry) => (typeof entry === 'string' ? storedText(entry) : entry))}::text::jsonb`;
}

/**
 * Text as Postgres can store it: it refuses NUL in text and jsonb (PGlite: "unsupported Unicode escape
 * sequence"), and a build's output (a step that printed a binary file) or a webhook's strings may hold
 * one. NUL becomes U+FFFD, so the record is kept and shows where the byte was.
 */
export function storedText(text: string): string;
export function storedText(text: string | null): string | null;
export function storedText(text: string | null): string | null {
  return text === null || !text.includes('\0') ? text : text.replaceAll('\0', '\uFFFD');
}

/** The database's clock, never a replica's: claims hold across machines. */
export const now = sql<Date>`now()`;

/**
 * The database's clock at this statement, not at the transaction's start (`now()`): a claim's and a merge's
 * times are taken after the repository's lock, so their order is the order their transactions took it.
 */
export const clockNow = sql<Date>`clock_timestamp()`;

/** `now() + <seconds> seconds`, the end of an environment's claim. */
export function secondsFromNow(seconds: number): RawBuilder<Date> {
  return sql<Date>`now() + make_interval(secs => ${seconds}::double precision)`;
}
