import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseServerConfig } from '@deployer/server';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { manifests, renderManifest } from '../src/manifests.js';
import { buildkitdHosts } from '../src/settings.js';

const root = join(import.meta.dirname, '..');

describe('rendered Kubernetes manifests', () => {
  for (const [name, objects] of Object.entries(manifests)) {
    it(`${name} is committed as rendered, parses, and round-trips to the typed objects`, async () => {
      const committed = await readFile(join(root, name), 'utf8');
      expect(committed, `run pnpm --filter @deployer/kubernetes render`).toBe(renderManifest(objects));
      const documents = parseAllDocuments(committed);
      for (const document of documents) expect(document.errors).toEqual([]);
      expect(documents.map((document) => document.toJS())).toEqual(objects);
    });
  }

  it('points deployer at the headless Service that fronts the daemons, over TLS', () => {
    const [service, statefulSet] = manifests['buildkitd.yaml'] as [
      {
        spec: { clusterIP: string; ports: { port: number }[] };
        metadata: { name: string; namespace: string };
      },
      StatefulSet,
    ];
    expect(service.spec.clusterIP).toBe('None');
    expect(statefulSet.spec?.serviceName).toBe(service.metadata.name);
    expect(buildkitdHosts).toBe(
      `dns://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${service.spec.ports[0]?.port}`,
    );
    const args = statefulSet.spec?.template.spec?.containers[0]?.args ?? [];
    expect(args).toEqual(expect.arrayContaining(['--tlscacert', '--tlscert', '--tlskey']));
  });
});

describe('deployer serve on Kubernetes', () => {
  const [config, deployment, service] = manifests['serve.yaml'] as [ConfigMap, Deployment, Service];
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;
  const env = new Map(container.env?.map((variable) => [variable.name, variable]));

  it('ships a server config the server accepts', () => {
    const parsed = parseServerConfig(parse(config.data!['server.yaml']!), 'serve.yaml');
    expect(parsed.repositories[0]).toMatchObject({
      name: 'acme/shop',
      fallback: 'main',
      keepLabel: 'keep-preview',
    });
  });

  it('runs replicas on one Postgres, each named after its pod, secrets from a Secret', () => {
    expect(deployment.spec?.replicas).toBeGreaterThan(1);
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef?.key).toBe('database-url');
    expect(env.get('DEPLOYER_WEBHOOK_SECRET')?.valueFrom?.secretKeyRef).toBeDefined();
    expect(env.get('DEPLOYER_API_TOKEN')?.valueFrom?.secretKeyRef).toBeDefined();
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    const args = container.args ?? [];
    expect(args[args.indexOf('--replica') + 1]).toBe('$(POD_NAME)');
    expect(env.get('DEPLOYER_BUILDKIT_HOSTS')?.value).toBe(buildkitdHosts);
  });

  it('drains within the grace period and is ready only through /readyz', () => {
    const args = container.args ?? [];
    const drainSeconds = Number(args[args.indexOf('--drain-seconds') + 1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
  });
});
