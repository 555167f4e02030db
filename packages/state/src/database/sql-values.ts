import { type RawBuilder, sql } from 'kysely';

/**
 * A JSON value as jsonb. Sent as text and cast in SQL: pg would send a JS array as a Postgres array and
 * PGlite would JSON-encode a string a second time, so neither gets the raw value.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value ?? null)}::text::jsonb`;
}

/** The database's clock, never a replica's: leases hold across machines. */
export const now = sql<Date>`now()`;

/** `now() + <seconds> seconds`, the end of a lease. */
export function secondsFromNow(seconds: number): RawBuilder<Date> {
  return sql<Date>`now() + make_interval(secs => ${seconds}::double precision)`;
}
