// Counted steps of one build from buildctl's `--progress plain` output: vertices named `[stage N/M] …`
// other than FROM. A step is cached (`#id CACHED`), built (`#id DONE`/`ERROR`), or shared: BuildKit's solver
// ran it once for several builds at once and this client saw the vertex but not its completion.
const named = /^#(\d+) \[[^\]]* \d+\/\d+\] (.*)$/;
const outcome = /^#(\d+) (CACHED|DONE|ERROR)\b/;

export function countSteps(output) {
  const steps = new Set();
  const cached = new Set();
  const finished = new Set();
  for (const line of output.split('\n')) {
    const name = named.exec(line);
    if (name !== null && !name[2].startsWith('FROM ')) steps.add(name[1]);
    const end = outcome.exec(line);
    if (end !== null) (end[2] === 'CACHED' ? cached : finished).add(end[1]);
  }
  let total = 0;
  let hits = 0;
  let shared = 0;
  for (const id of steps) {
    total += 1;
    if (cached.has(id)) hits += 1;
    else if (!finished.has(id)) shared += 1;
  }
  return { total, cached: hits, shared };
}

/** The last `error: …` line buildctl printed, or its last line. */
export function lastError(output) {
  const lines = output.trim().split('\n');
  return lines.findLast((line) => /^error:/i.test(line)) ?? lines.at(-1) ?? '';
}
