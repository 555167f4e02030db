import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { deployerPod } from './deployer-pod.js';
import { namespace } from './settings.js';

const labels = { 'app.kubernetes.io/name': 'deployer', 'app.kubernetes.io/part-of': 'deployer' };

/**
 * `deployer build` for one environment. Copy it per environment and set the build uuid (and fallbacks);
 * deployer exits 1 on a failed build, so the Job fails (no retries: a rerun is a new CI run).
 */
export const buildJob: Job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'deployer-build-pr-42', namespace, labels },
  spec: {
    backoffLimit: 0,
    ttlSecondsAfterFinished: 3600,
    template: {
      metadata: { labels },
      spec: deployerPod([
        'build',
        '-f',
        'env.yaml',
        '--uuid',
        'pr-42',
        '--fallback',
        'main',
        '--concurrency',
        '12',
        // The checkout is the Job's own: its files' mtimes may follow their content, so a daemon that built
        // another context never mistakes a same-named, same-sized file for this one's (see buildkit-runner).
        '--content-mtimes',
      ]),
    },
  },
};

/** Nightly `deployer cache gc`: removes caches last written more than 14 days ago, never a fallback's. */
export const cacheGcCronJob: CronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'deployer-cache-gc', namespace, labels },
  spec: {
    schedule: '17 3 * * *',
    concurrencyPolicy: 'Forbid',
    jobTemplate: {
      spec: {
        backoffLimit: 1,
        template: {
          metadata: { labels },
          spec: deployerPod(['cache', 'gc', '-f', 'env.yaml', '--older-than', '14d']),
        },
      },
    },
  },
};
