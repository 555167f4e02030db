// Arms 1 and 2: the seed before and after its fix, as the raw buildctl argv its pipeline ran. Each push
// builds every service of its environment (`main` or `pr-N`) on the least busy daemon, importing and
// exporting (mode=max) one cache ref:
// - `shared`: `<registry>/incident/<service>:cache`, read and written by every environment;
// - `per-uuid`: `<registry>/incident/<service>:cache-<environment>`, the environment's own, no fallback.
// A closed pull request's images are deleted (its teardown); its cache refs are left, as they were.
// Nothing is cancelled when a newer push arrives: both builds run, as they did.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { serviceFiles } from './app.mjs';
import { countSteps, lastError } from './steps.mjs';

const environmentOf = (event) => (event.kind === 'main' ? 'main' : `pr-${event.pr}`);

export async function runRawArm({
  layout,
  scratch,
  registry,
  daemons,
  workload,
  services,
  baseImage,
  perDaemon,
  log,
}) {
  const host = registry.host;
  const cacheRef = (service, environment) =>
    layout === 'shared'
      ? `${host}/incident/${service}:cache`
      : `${host}/incident/${service}:cache-${environment}`;
  const imageRef = (service, environment) => `${host}/incident/${service}:${environment}`;
  const load = new Map(daemons.addresses.map((address) => [address, 0]));
  const waiting = [];
  const take = () =>
    new Promise((resolve) => {
      const free = [...load].filter(([, busy]) => busy < perDaemon).sort((a, b) => a[1] - b[1])[0];
      if (free === undefined) return waiting.push(resolve);
      load.set(free[0], free[1] + 1);
      resolve(free[0]);
    });
  const give = (address) => {
    load.set(address, load.get(address) - 1);
    const next = waiting.shift();
    if (next !== undefined) take().then(next);
  };

  const builds = [];
  const seen = new Set();
  const running = new Map();
  const build = async (event, service, first) => {
    const environment = environmentOf(event);
    const context = join(scratch, 'contexts', String(event.seq), service);
    for (const [path, content] of Object.entries(serviceFiles(service, event.state))) {
      await mkdir(dirname(join(context, path)), { recursive: true });
      await writeFile(join(context, path), content);
    }
    const daemon = await take();
    const startedAt = Date.now();
    const ref = cacheRef(service, environment);
    const result = await execa(
      'buildctl',
      [
        '--addr',
        daemon,
        'build',
        '--progress',
        'plain',
        '--frontend',
        'dockerfile.v0',
        '--local',
        `context=${context}`,
        '--local',
        `dockerfile=${context}`,
        '--opt',
        `build-arg:BASE_IMAGE=${baseImage}`,
        '--output',
        `type=image,name=${imageRef(service, environment)},push=true,registry.insecure=true`,
        '--import-cache',
        `type=registry,ref=${ref},registry.insecure=true`,
        '--export-cache',
        `type=registry,ref=${ref},mode=max,registry.insecure=true`,
      ],
      { reject: false, all: true },
    ).finally(() => give(daemon));
    const output = result.all ?? '';
    const ok = result.exitCode === 0;
    builds.push({
      environment,
      pr: event.pr ?? null,
      seq: event.seq,
      first,
      service,
      ok,
      error: ok ? null : lastError(output),
      steps: countSteps(output),
      startedAt,
      endedAt: Date.now(),
    });
    if (!ok) log(`  ${environment} ${service} failed: ${lastError(output).slice(0, 200)}`);
  };

  const teardown = async (environment) => {
    await running.get(environment);
    for (const service of services) {
      const manifest = await fetch(`http://${host}/v2/incident/${service}/manifests/${environment}`, {
        method: 'HEAD',
        headers: {
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      const digest = manifest.headers.get('docker-content-digest');
      if (manifest.ok && digest) {
        await fetch(`http://${host}/v2/incident/${service}/manifests/${digest}`, { method: 'DELETE' });
      }
    }
  };

  const started = Date.now();
  const work = [];
  for (const event of workload.events) {
    const wait = started + event.at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const environment = environmentOf(event);
    if (event.kind === 'close') {
      work.push(teardown(environment));
      continue;
    }
    const first = !seen.has(environment);
    seen.add(environment);
    const pushed = Promise.all(services.map((service) => build(event, service, first)));
    running.set(environment, Promise.all([running.get(environment), pushed]));
    work.push(pushed);
  }
  await Promise.all(work);
  return { builds, startedAt: started, endedAt: Date.now() };
}
