import { describe, expect, it } from 'vitest';
import { type DaemonLoad, placeBuild } from '../src/routing/bounded-load.js';
import { DaemonSlots } from '../src/routing/daemon-slots.js';

const loads = (entries: Record<string, Partial<DaemonLoad>>) =>
  new Map(
    Object.entries(entries).map(([daemon, load]) => [
      daemon,
      { running: 0, capacity: 2, available: true, ...load },
    ]),
  );

describe('placeBuild', () => {
  it("takes the key's own daemon while it has a free slot", () => {
    expect(placeBuild(['a', 'b', 'c'], loads({ a: { running: 1 }, b: {}, c: {} }))).toEqual({
      kind: 'placed',
      daemon: 'a',
      hops: 0,
    });
  });

  it('passes a full daemon over to the next on the ring, counting hops', () => {
    const full = loads({ a: { running: 2 }, b: { running: 2 }, c: {} });
    expect(placeBuild(['a', 'b', 'c'], full)).toEqual({ kind: 'placed', daemon: 'c', hops: 2 });
  });

  it('skips daemons cooling down or already tried, without counting them as hops', () => {
    const state = loads({ a: { available: false }, b: {}, c: {} });
    expect(placeBuild(['a', 'b', 'c'], state, new Set(['b']))).toEqual({
      kind: 'placed',
      daemon: 'c',
      hops: 0,
    });
  });

  it('waits when every available daemon is full, and has none when none is available', () => {
    expect(placeBuild(['a', 'b'], loads({ a: { running: 2 }, b: { running: 2 } }))).toEqual({ kind: 'wait' });
    expect(placeBuild(['a', 'b'], loads({ a: { available: false }, b: {} }), new Set(['b']))).toEqual({
      kind: 'none',
    });
  });
});

describe('DaemonSlots', () => {
  it('never runs more than a daemon’s capacity, however many builds ask at once', async () => {
    const slots = new DaemonSlots(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    const peak = new Map<string, number>();
    const build = async (order: string[]) => {
      const daemon = (await slots.acquire(order, new Set())) as string;
      peak.set(daemon, Math.max(peak.get(daemon) ?? 0, slots.running(daemon)));
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 5));
      slots.release(daemon);
      return daemon;
    };
    const placed = await Promise.all(
      Array.from({ length: 40 }, (_, index) => build(index % 2 ? ['a', 'b'] : ['b', 'a'])),
    );
    expect(new Set(placed)).toEqual(new Set(['a', 'b']));
    expect(peak.get('a')).toBe(2);
    expect(peak.get('b')).toBe(1);
    expect(slots.running('a') + slots.running('b')).toBe(0);
  });

  it('hands a waiting build the first freed slot in its own order, first come first served', async () => {
    const slots = new DaemonSlots(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    expect(await slots.acquire(['a', 'b'], new Set())).toBe('a');
    expect(await slots.acquire(['a', 'b'], new Set())).toBe('b');
    const first = slots.acquire(['a', 'b'], new Set());
    const second = slots.acquire(['b', 'a'], new Set());
    slots.release('b');
    expect(await first).toBe('b');
    slots.release('a');
    expect(await second).toBe('a');
  });

  it('answers null to a waiter once its daemons go down, and to one whose signal aborts', async () => {
    const slots = new DaemonSlots(new Map([['a', 1]]));
    await slots.acquire(['a'], new Set());
    const waiting = slots.acquire(['a'], new Set());
    slots.setAvailable('a', false);
    expect(await waiting).toBeNull();
    slots.setAvailable('a', true);
    const controller = new AbortController();
    const aborted = slots.acquire(['a'], new Set(), controller.signal);
    controller.abort();
    expect(await aborted).toBeNull();
    slots.release('a');
    expect(slots.running('a')).toBe(0);
  });
});
