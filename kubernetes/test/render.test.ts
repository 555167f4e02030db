import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
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
