// The pull-request workload every arm replays: N pull requests, each opened from the default branch as it
// is then, pushed K times in all and closed (about a third merged, which pushes `main`), overlapping so that
// many are open at once, with pushes to `main` of their own among them (one of which bumps the
// dependencies, the rare change that rebuilds the dependency layers). Deterministic for a seed.
//
// A pull request changes one service (its number modulo M), as most do; a push to main changes one
// service too. Event times are ms from the arm's start.

/** A small seeded PRNG (mulberry32): the same workload for every arm and every run with one seed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeWorkload({
  prs,
  pushes,
  services,
  seed = 25,
  openEveryMs = 6000,
  pushEveryMs = 10000,
  mainEveryMs = 20000,
}) {
  const rng = random(seed);
  const jitter = (ms) => Math.round(ms * (0.7 + 0.6 * rng()));
  const proto = [];
  for (let pr = 1; pr <= prs; pr += 1) {
    let at = 2000 + (pr - 1) * openEveryMs + Math.round(openEveryMs * 0.5 * rng());
    proto.push({ at, kind: 'open', pr });
    for (let push = 2; push <= pushes; push += 1) {
      at += jitter(pushEveryMs);
      proto.push({ at, kind: 'push', pr });
    }
    at += jitter(pushEveryMs);
    proto.push({ at, kind: 'close', pr, merged: rng() < 0.35 });
  }
  const lastPr = Math.max(...proto.map((event) => event.at));
  const mainPushes = [];
  for (let at = mainEveryMs; at < lastPr; at += mainEveryMs) mainPushes.push(at);
  const depsBumpAt = mainPushes[Math.floor(mainPushes.length * 0.6)];
  for (const at of mainPushes) proto.push({ at, kind: 'main', bumpDeps: at === depsBumpAt });
  proto.sort((a, b) => a.at - b.at);

  const touched = (pr) => services[(pr - 1) % services.length];
  let main = { deps: 1, src: Object.fromEntries(services.map((service) => [service, 'main.0'])) };
  let mainVersion = 0;
  const open = new Map();
  const events = [{ at: 0, kind: 'main', seq: 0, state: main }];
  const add = (event) => events.push({ ...event, seq: events.length });
  const pushMain = (at, change) => {
    mainVersion += 1;
    main = change({ deps: main.deps, src: { ...main.src } });
    add({ at, kind: 'main', state: main });
  };
  for (const event of proto) {
    if (event.kind === 'main') {
      const service = services[mainVersion % services.length];
      pushMain(event.at, (state) => {
        state.src[service] = `main.${mainVersion}`;
        if (event.bumpDeps) state.deps += 1;
        return state;
      });
    } else if (event.kind === 'open' || event.kind === 'push') {
      const previous = open.get(event.pr);
      const number = (previous?.number ?? 0) + 1;
      const base = previous?.state ?? main;
      const state = { deps: base.deps, src: { ...base.src, [touched(event.pr)]: `pr${event.pr}.${number}` } };
      open.set(event.pr, { state, number });
      add({ at: event.at, kind: event.kind, pr: event.pr, state });
    } else {
      const { state } = open.get(event.pr);
      open.delete(event.pr);
      add({ at: event.at, kind: 'close', pr: event.pr, merged: event.merged });
      if (event.merged) {
        const service = touched(event.pr);
        pushMain(event.at + 500, (next) => {
          next.src[service] = state.src[service];
          return next;
        });
      }
    }
  }
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return { events, durationMs: Math.max(...events.map((event) => event.at)) };
}

/** Which services an event's build changes against the environment's previous build (all on its first). */
export function buildsOf(events) {
  return events.filter((event) => event.kind !== 'close');
}
