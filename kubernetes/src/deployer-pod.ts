import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import {
  buildkitdHosts,
  buildkitdServerName,
  clientTlsSecret,
  deployerImage,
  registryCredentialsSecret,
  tlsMountPath,
} from './settings.js';

/**
 * The pod deployer runs in (build Job, gc CronJob): the daemons' pool from the headless Service, client
 * TLS from a Secret, registry credentials as a docker config.json. The environment's spec comes from
 * the checkout in /workspace (an init container or a volume of the CI system).
 */
export function deployerPod(args: string[]): PodSpec {
  const container: Container = {
    name: 'deployer',
    image: deployerImage,
    args,
    workingDir: '/workspace',
    env: [
      { name: 'DEPLOYER_BUILDKIT_HOSTS', value: buildkitdHosts },
      { name: 'DEPLOYER_BUILDKIT_TLS_DIR', value: tlsMountPath },
      { name: 'DEPLOYER_BUILDKIT_TLS_SERVER_NAME', value: buildkitdServerName },
      { name: 'DOCKER_CONFIG', value: '/docker' },
      { name: 'DEPLOYER_ROOT', value: '/workspace' },
    ],
    volumeMounts: [
      { name: 'certs', mountPath: tlsMountPath, readOnly: true },
      { name: 'docker', mountPath: '/docker', readOnly: true },
      { name: 'workspace', mountPath: '/workspace' },
    ],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  };
  return {
    restartPolicy: 'Never',
    containers: [container],
    volumes: [
      { name: 'certs', secret: { secretName: clientTlsSecret } },
      {
        name: 'docker',
        secret: {
          secretName: registryCredentialsSecret,
          items: [{ key: '.dockerconfigjson', path: 'config.json' }],
        },
      },
      { name: 'workspace', emptyDir: {} },
    ],
  };
}
