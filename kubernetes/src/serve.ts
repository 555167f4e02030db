import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Service } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { deployerContainer, deployerVolumes } from './deployer-pod.js';
import { namespace, serveConfigMap, serveDrainSeconds, servePort, serveSecret } from './settings.js';

const labels = { 'app.kubernetes.io/name': 'deployer-serve', 'app.kubernetes.io/part-of': 'deployer' };
const secretValue = (key: string) => ({ valueFrom: { secretKeyRef: { name: serveSecret, key } } });

/** The repositories the server builds: edit `server.yaml` (schema: @deployer/server/server-config.schema.json). */
export const serveConfig: ConfigMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: serveConfigMap, namespace, labels },
  data: {
    'server.yaml': [
      'repositories:',
      '  - name: acme/shop',
      '    spec: deploy/env.yaml',
      '    fallback: main',
      '    # Branches with an environment of their own besides the default branch (trusted like it: every secret).',
      '    branches: []',
      "    # A merged pull request's caches are kept this long at most for its base branch's next build.",
      '    mergeHold: 30m',
      '    label: preview',
      '    ttl: 14d',
      '    keepLabel: keep-preview',
      "    # Where images and caches go: the operator decides, never a pull request's spec.",
      '    registry: { host: registry.example, repository: previews/acme-shop }',
      '    # Secrets builds may use, by id; pull requests get one only with pullRequests: true.',
      '    secrets: []',
      '',
    ].join('\n'),
  },
};

/**
 * `deployer serve`, two replicas on one Postgres (`DATABASE_URL`): they share the job queue and never
 * build one environment twice at once; each names itself after its pod on the jobs it runs and the
 * environments' claims it holds.
 * Ready only while the database answers and the replica is not draining; on SIGTERM it drains for
 * `serveDrainSeconds`, within the pod's grace period.
 */
export const serveDeployment: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'deployer-serve', namespace, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        terminationGracePeriodSeconds: serveDrainSeconds + 30,
        containers: [
          (() => {
            const base = deployerContainer([
              'serve',
              '-c',
              '/config/server.yaml',
              '--listen',
              `0.0.0.0:${servePort}`,
              '--replica',
              '$(POD_NAME)',
              '--work-dir',
              '/work',
              '--drain-seconds',
              String(serveDrainSeconds),
            ]);
            return {
              ...base,
              ports: [{ name: 'http', containerPort: servePort }],
              env: [
                ...(base.env ?? []),
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'DEPLOYER_WEBHOOK_SECRET', ...secretValue('webhook-secret') },
                { name: 'DEPLOYER_API_TOKEN', ...secretValue('api-token') },
                { name: 'DATABASE_URL', ...secretValue('database-url') },
              ],
              volumeMounts: [
                ...(base.volumeMounts ?? []),
                { name: 'config', mountPath: '/config', readOnly: true },
                { name: 'work', mountPath: '/work' },
              ],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 10,
                failureThreshold: 6,
              },
            };
          })(),
        ],
        volumes: [
          ...deployerVolumes,
          { name: 'config', configMap: { name: serveConfigMap } },
          { name: 'work', emptyDir: {} },
        ],
      },
    },
  },
};

/** Webhooks, API, status page and /metrics (annotated for Prometheus' pod discovery conventions). */
export const serveService: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'deployer-serve',
    namespace,
    labels,
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(servePort) },
  },
  spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

/** At most one replica away at a time: the other keeps taking webhooks and jobs. */
export const serveDisruptionBudget: PodDisruptionBudget = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'deployer-serve', namespace, labels },
  spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
};
