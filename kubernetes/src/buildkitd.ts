import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Service } from 'kubernetes-types/core/v1.js';
import {
  buildkitdName,
  buildkitdPort,
  buildkitImage,
  namespace,
  serverTlsSecret,
  tlsMountPath,
} from './settings.js';

const labels = { 'app.kubernetes.io/name': buildkitdName, 'app.kubernetes.io/part-of': 'deployer' };

/**
 * Headless: no virtual IP, its DNS name answers with every ready daemon's address, which deployer
 * expands per run (`dns://buildkitd.deployer.svc.cluster.local:1234`) and routes over by cache affinity.
 */
export const buildkitdService: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: buildkitdName, namespace, labels },
  spec: {
    clusterIP: 'None',
    selector: labels,
    ports: [{ name: 'buildkitd', port: buildkitdPort, targetPort: 'buildkitd' }],
  },
};

/**
 * Daemons with stable names and their own volume each, so a daemon's local cache survives restarts:
 * the affinity deployer routes by is only worth it while the cache is there. Rootless BuildKit; gRPC
 * over mutual TLS. CPUS (the container's CPU limit, in whole cores) becomes the worker label
 * `deployer.cpus`, which deployer takes as the daemon's builds at once when `--builds-per-daemon` is not given.
 */
export const buildkitdStatefulSet: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: buildkitdName, namespace, labels },
  spec: {
    serviceName: buildkitdName,
    replicas: 3,
    podManagementPolicy: 'Parallel',
    selector: { matchLabels: labels },
    template: {
      metadata: {
        labels,
        annotations: { 'container.apparmor.security.beta.kubernetes.io/buildkitd': 'unconfined' },
      },
      spec: {
        containers: [
          {
            name: 'buildkitd',
            image: buildkitImage,
            args: [
              '--addr',
              'unix:///run/user/1000/buildkit/buildkitd.sock',
              '--addr',
              `tcp://0.0.0.0:${buildkitdPort}`,
              '--tlscacert',
              `${tlsMountPath}/ca.pem`,
              '--tlscert',
              `${tlsMountPath}/cert.pem`,
              '--tlskey',
              `${tlsMountPath}/key.pem`,
              '--oci-worker-no-process-sandbox',
              '--oci-worker-labels',
              'deployer.cpus=$(CPUS)',
            ],
            env: [
              { name: 'CPUS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
            ],
            ports: [{ name: 'buildkitd', containerPort: buildkitdPort }],
            readinessProbe: {
              exec: { command: ['buildctl', 'debug', 'workers'] },
              initialDelaySeconds: 5,
              periodSeconds: 10,
            },
            livenessProbe: {
              exec: { command: ['buildctl', 'debug', 'workers'] },
              initialDelaySeconds: 10,
              periodSeconds: 30,
            },
            resources: {
              requests: { cpu: '2', memory: '4Gi' },
              limits: { cpu: '4', memory: '8Gi' },
            },
            securityContext: {
              runAsUser: 1000,
              runAsGroup: 1000,
              seccompProfile: { type: 'Unconfined' },
            },
            volumeMounts: [
              { name: 'certs', mountPath: tlsMountPath, readOnly: true },
              { name: 'cache', mountPath: '/home/user/.local/share/buildkit' },
            ],
          },
        ],
        volumes: [{ name: 'certs', secret: { secretName: serverTlsSecret } }],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'cache' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
      },
    ],
  },
};
