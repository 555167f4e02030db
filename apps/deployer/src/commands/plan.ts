import { buildahCacheArgs, buildctlCacheArgs } from '@deployer/cache-ref';
import { generateBuildUuid, planEnvironment, validateBuildUuid } from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry';
import { parseFlags } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { environmentFlags, insecureRegistries, loadEnvironmentFromFlags } from '../cli/environment-flags.js';
import { UsageError } from '../cli/errors.js';
import { fallbackFlags, fallbacksFromFlags } from '../cli/fallback-flags.js';
import { formatTable } from '../output/table.js';
import { resolveEngineKind } from '../wiring/engine.js';

const flags = {
  ...environmentFlags,
  uuid: { type: 'string', value: '<buildUuid>', description: 'the environment (default: a new one)' },
  ...fallbackFlags,
  service: {
    type: 'string',
    multiple: true,
    value: '<name>',
    description: 'only this service (and its deps)',
  },
  engine: {
    type: 'string',
    value: '<engine>',
    choices: ['auto', 'buildkit', 'buildx', 'buildah'],
    description: 'build engine (DEPLOYER_ENGINE)',
  },
  force: { type: 'boolean', description: 'plan to rebuild images that already exist' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const planCommand: Command = {
  path: ['plan'],
  summary: 'show what a build would do: images, cache refs and engine flags; builds nothing',
  usage:
    'deployer plan -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--engine E] [--force] [--json]',
  flags,
  async run(argv, context) {
    const { flags: values, positionals } = parseFlags('plan', argv, flags);
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'plan');
    const buildUuid =
      values.uuid === undefined ? generateBuildUuid() : validateBuildUuid(values.uuid, '--uuid');
    const fallbacks = fallbacksFromFlags('plan', values);
    const environment = await loadEnvironmentFromFlags('plan', values, context);
    const engine = await resolveEngineKind(environment.engine, context.env);
    const plan = await planEnvironment(environment, {
      buildUuid,
      engine: engine.cacheEngine,
      ...(fallbacks !== undefined && { fallbacks }),
      ...(values.service && { services: values.service }),
      force: values.force ?? false,
      registry: createRegistryPort({ insecureRegistries: insecureRegistries(environment) }),
      signal: context.signal,
    });
    const flagsOf = (service: (typeof plan.services)[number]) =>
      service.cache.engine === 'buildah' ? buildahCacheArgs(service.cache) : buildctlCacheArgs(service.cache);
    if (values.json) {
      const services = plan.services.map((service) => ({ ...service, cacheArgs: flagsOf(service) }));
      context.stdout.write(`${JSON.stringify({ ...plan, engine: engine.name, services }, null, 2)}\n`);
      return 0;
    }
    context.stdout.write(
      `environment ${plan.buildUuid}  engine ${engine.name} (${engine.reason})  fallbacks ${plan.fallbacks.join(', ') || '(none)'}\n\n`,
    );
    context.stdout.write(
      formatTable(
        ['SERVICE', 'ACTION', 'IMAGE', 'CACHE EXPORT'],
        plan.services.map((service) => [
          service.service,
          service.action,
          service.image,
          service.cache.export?.ref ?? '(none)',
        ]),
      ),
    );
    for (const service of plan.services) {
      context.stdout.write(`\n${service.service}: ${service.reason}\n`);
      for (const endpoint of service.cache.imports)
        context.stdout.write(`  import ${endpoint.ref} (${endpoint.source})\n`);
      context.stdout.write(`  flags  ${flagsOf(service).join(' ')}\n`);
    }
    return 0;
  },
};
