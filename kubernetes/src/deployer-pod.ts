import type { Container, PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import {
  buildkitdHosts,
  buildkitdServerName,
  clientTlsSecret,
  deployerImage,
  registryCredentialsSecret,
  tlsMountPath,
} from './settings.js';

/**
 * The deployer container every workload shares: the daemons' pool from the headless Service, client TLS
 * from a Secret, registry credentials as a docker config.json.
 */
export function deployerContainer(args: string[]): Container {
  return {
    name: 'deployer',
    image: deployerImage,
    args,
    env: [
      { name: 'DEPLOYER_BUILDKIT_HOSTS', value: buildkitdHosts },
      { name: 'DEPLOYER_BUILDKIT_TLS_DIR', value: tlsMountPath },
      { name: 'DEPLOYER_BUILDKIT_TLS_SERVER_NAME', value: buildkitdServerName },
      { name: 'DOCKER_CONFIG', value: '/docker' },
    ],
    volumeMounts: [
      { name: 'certs', mountPath: tlsMountPath, readOnly: true },
      { name: 'docker', mountPath: '/docker', readOnly: true },
    ],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  };
}

/** The volumes `deployerContainer` mounts. */
export const deployerVolumes: Volume[] = [
  { name: 'certs', secret: { secretName: clientTlsSecret } },
  {
    name: 'docker',
    secret: {
      secretName: registryCredentialsSecret,
      items: [{ key: '.dockerconfigjson', path: 'config.json' }],
    },
  },
];

/**
 * The pod a one-off deployer command runs in (build Job, gc CronJob). The environment's spec comes from
 * the checkout in /workspace (an init container or a volume of the CI system).
 */
export function deployerPod(args: string[]): PodSpec {
  const base = deployerContainer(args);
  return {
    restartPolicy: 'Never',
    containers: [
      {
        ...base,
        workingDir: '/workspace',
        env: [...(base.env ?? []), { name: 'DEPLOYER_ROOT', value: '/workspace' }],
        volumeMounts: [...(base.volumeMounts ?? []), { name: 'workspace', mountPath: '/workspace' }],
      },
    ],
    volumes: [...deployerVolumes, { name: 'workspace', emptyDir: {} }],
  };
}
