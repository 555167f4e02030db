import { buildahCacheArgs, buildctlCacheArgs } from '@deployer/cache-ref';
import { parseFlags } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { planFromFlags, planningFlags } from '../cli/plan-from-flags.js';
import { formatTable } from '../output/table.js';

const flags = {
  ...planningFlags,
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const planCommand: Command = {
  path: ['plan'],
  summary: 'show what a build would do: images, cache refs and engine flags; builds nothing',
  usage:
    'deployer plan -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--engine E] [--force] [--json]',
  flags,
  async run(argv, context) {
    const { flags: values } = parseFlags('plan', argv, flags);
    const { engine, plan } = await planFromFlags('plan', values, context);
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
