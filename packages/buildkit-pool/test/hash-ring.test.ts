import { describe, expect, it } from 'vitest';
import { createHashRing } from '../src/routing/hash-ring.js';

const keys = Array.from(
  { length: 3000 },
  (_, index) => `["registry:5000","registry:5000/shop/cache/svc-${index}","svc-${index}"]`,
);
const daemons = (n: number) => Array.from({ length: n }, (_, index) => `tcp://10.0.0.${index + 1}:1234`);

function owners(ring: ReturnType<typeof createHashRing>): Map<string, string> {
  return new Map(keys.map((key) => [key, ring.order(key)[0] as string]));
}

describe('createHashRing', () => {
  it('orders every daemon once per key, the same in every process that lists the same daemons', () => {
    const ring = createHashRing(daemons(3));
    const again = createHashRing([...daemons(3)].reverse());
    for (const key of keys.slice(0, 200)) {
      const order = ring.order(key);
      expect([...order].sort()).toEqual([...daemons(3)].sort());
      expect(again.order(key)).toEqual(order);
    }
  });

  it('spreads keys evenly with virtual nodes', () => {
    const counts = new Map<string, number>();
    for (const owner of owners(createHashRing(daemons(3))).values())
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('adding a daemon moves only keys to the new daemon, about 1/n of them', () => {
    const before = owners(createHashRing(daemons(3)));
    const after = owners(createHashRing(daemons(4)));
    let moved = 0;
    for (const [key, owner] of before) {
      const now = after.get(key);
      if (now !== owner) {
        moved++;
        expect(now).toBe('tcp://10.0.0.4:1234');
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.35);
  });

  it('removing a daemon moves only its keys, each to its next daemon on the ring', () => {
    const ring = createHashRing(daemons(4));
    const after = owners(createHashRing(daemons(4).filter((daemon) => daemon !== 'tcp://10.0.0.2:1234')));
    for (const key of keys) {
      const order = ring.order(key);
      const expected = order[0] === 'tcp://10.0.0.2:1234' ? order[1] : order[0];
      expect(after.get(key)).toBe(expected);
    }
  });

  it('changes in any random sequence of additions and removals move only the keys that must move', () => {
    let random = 42;
    const next = () => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random / 2 ** 31;
    };
    let members = daemons(3);
    for (let round = 0; round < 20; round++) {
      const before = owners(createHashRing(members));
      const removing = members.length > 1 && next() < 0.5;
      const changed = removing
        ? (members[Math.floor(next() * members.length)] as string)
        : `tcp://10.1.${round}.${Math.floor(next() * 250)}:1234`;
      members = removing ? members.filter((daemon) => daemon !== changed) : [...members, changed];
      const after = owners(createHashRing(members));
      for (const [key, owner] of before) {
        // A key moves only off a removed daemon, or onto an added one.
        if (after.get(key) !== owner) expect(removing ? owner : after.get(key)).toBe(changed);
      }
    }
  });

  it('has no order for an empty pool and refuses zero virtual nodes', () => {
    expect(createHashRing([]).order('web')).toEqual([]);
    expect(() => createHashRing(daemons(1), 0)).toThrow(/virtual nodes/);
  });
});
