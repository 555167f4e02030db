import { createHash } from 'node:crypto';

/**
 * A consistent-hash ring of daemons. Each daemon stands at `virtualNodes` points (hashes of
 * `daemon#i`), so keys spread evenly and adding or removing a daemon moves only the keys whose nearest
 * point belonged to it (about 1/n of them), never keys between two other daemons.
 */
export interface HashRing {
  readonly daemons: readonly string[];
  /** Every daemon once, in the order a key meets them walking clockwise from its hash. */
  order(key: string): string[];
}

/** Enough points per daemon that three daemons share the keys within a few percent. */
export const defaultVirtualNodes = 160;

interface Point {
  position: number;
  daemon: string;
}

/** A 48-bit position on the ring: the first 6 bytes of the SHA-256 of the text. */
export function ringPosition(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6);
}

export function createHashRing(
  daemons: readonly string[],
  virtualNodes: number = defaultVirtualNodes,
): HashRing {
  if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
    throw new RangeError(`virtual nodes must be an integer ≥ 1, got ${virtualNodes}`);
  }
  const distinct = [...new Set(daemons)];
  const points: Point[] = distinct
    .flatMap((daemon) =>
      Array.from({ length: virtualNodes }, (_, index) => ({
        position: ringPosition(`${daemon}#${index}`),
        daemon,
      })),
    )
    // Ties (astronomically rare) break by name, so every process builds the same ring.
    .sort((a, b) => a.position - b.position || (a.daemon < b.daemon ? -1 : a.daemon > b.daemon ? 1 : 0));
  return {
    daemons: distinct,
    order(key) {
      if (points.length === 0) return [];
      const start = firstAtOrAfter(points, ringPosition(key));
      const seen = new Set<string>();
      for (let step = 0; step < points.length && seen.size < distinct.length; step++) {
        seen.add((points[(start + step) % points.length] as Point).daemon);
      }
      return [...seen];
    },
  };
}

/** Index of the first point at or after `position`, wrapping to 0 past the last (binary search). */
function firstAtOrAfter(points: readonly Point[], position: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((points[middle] as Point).position < position) low = middle + 1;
    else high = middle;
  }
  return low === points.length ? 0 : low;
}
