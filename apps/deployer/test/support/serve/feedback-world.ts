import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryClient } from '@deployer/registry';
import {
  appKeyPair,
  type FakeGitHub,
  startFakeGitHub,
} from '../../../../../packages/server/test/github-support/fake-github.js';
import {
  makeCertificates,
  startReceiver,
} from '../../../../../packages/server/test/support/hook-receiver.js';
import { staticBusybox } from '../buildkit-daemon.js';
import type { EnvironmentJson } from './environments.js';
import type { Json } from './webhook-payloads.js';

/*
 * What a server with GitHub feedback and outgoing hooks talks to, for the end-to-end suite through
 * `deployer serve`: the server package's validating fake GitHub (every request checked against GitHub's
 * OpenAPI description), authenticated as a GitHub App whose RSA key is made here, and an HTTPS hook
 * receiver on loopback with a certificate of a CA made here by openssl, checking every signature.
 */

export const feedbackServices = ['web', 'api'] as const;
export const hookSecret = 'deploy-hook-secret-0123456789';
/** The server's public address as the operator configures it: the links GitHub and hooks get. */
export const statusUrl = 'https://previews.example.test';

let busybox: Buffer | undefined;

/**
 * Two services FROM scratch (the host's static busybox copied in: nothing pulled), each image carrying
 * `marker`. Their last step prints a line computed as it runs (`$((6*7))`), so the text is only in the
 * build's log, never in the repository: what the comment and the hooks must never carry.
 */
export function feedbackFiles(registryHost: string, marker: string): Record<string, string | Uint8Array> {
  busybox ??= readFileSync(staticBusybox()!);
  const files: Record<string, string | Uint8Array> = {
    'deploy/env.yaml': [
      `registry: { host: ${registryHost}, repository: spec-registry-is-never-read, insecure: true }`,
      'services:',
      ...feedbackServices.map((service) => `  ${service}: { context: ../${service} }`),
      '',
    ].join('\n'),
  };
  for (const service of feedbackServices) {
    files[`${service}/busybox`] = busybox;
    files[`${service}/marker`] = `${service} ${marker}\n`;
    files[`${service}/Dockerfile`] = [
      'FROM scratch',
      `SHELL ["/${service}/busybox", "sh", "-c"]`,
      `COPY --chmod=755 busybox /${service}/busybox`,
      `COPY marker /${service}/marker`,
      `RUN echo "build log of ${service}: $((6*7))" && cat /${service}/marker`,
      '',
    ].join('\n');
  }
  return files;
}

/** The line each service's build prints (see feedbackFiles). */
export const buildLogLine = (service: string) => `build log of ${service}: 42`;

export interface FeedbackWorld {
  github: FakeGitHub;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  privateKeyPem: string;
  /** The variables the server config names: the App's key and the hook's secret. */
  env: Record<string, string>;
  /** The repository's `github:` section. */
  githubConfig: Record<string, unknown>;
  /** The server config's `hooks:`. */
  hooks: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFeedbackWorld(): Promise<FeedbackWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'deployer-feedback-'));
  const keys = appKeyPair();
  const appId = 4242;
  const github = await startFakeGitHub({ app: { appId, installationId: 77, publicKey: keys.publicKey } });
  const certificates = await makeCertificates(dir);
  const receiver = await startReceiver({ ...certificates, secret: hookSecret });
  return {
    github,
    receiver,
    privateKeyPem: keys.privateKeyPem,
    env: { GITHUB_APP_KEY: keys.privateKeyPem, DEPLOY_HOOK_SECRET: hookSecret },
    // No installationId: the server looks it up with the App's JWT, as an operator's default does.
    githubConfig: {
      appId,
      privateKeyEnv: 'GITHUB_APP_KEY',
      apiUrl: github.url,
      report: 'check-run',
      comment: true,
      deployments: true,
      statusUrl,
    },
    hooks: [
      { url: receiver.url, secretEnv: 'DEPLOY_HOOK_SECRET', caFile: certificates.caFile, timeout: '5s' },
    ],
    async close() {
      await github.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A check run's states in the order GitHub was told them: queued, in_progress, then its conclusion. */
export function checkRunStates(github: FakeGitHub, id: number): string[] {
  return github.requests
    .filter(
      (request) => request.operationId === 'checks/update' && Number(request.params.check_run_id) === id,
    )
    .map((request) => {
      const body = request.body as { status?: string; conclusion?: string };
      return body.conclusion ?? body.status ?? '?';
    });
}

/** The hook deliveries of one event for one environment, parsed, with what the receiver made of them. */
export function hookDeliveries(world: FeedbackWorld, event: string, buildUuid: string) {
  return world.receiver.received
    .map((delivery) => ({ ...delivery, payload: JSON.parse(delivery.body) as Json }))
    .filter((delivery) => delivery.payload.event === event && delivery.payload.buildUuid === buildUuid);
}

/** `image@digest` of each service, as the environment's newest build pushed them. */
export function pinnedImages(environment: EnvironmentJson): string[] {
  return environment.services.map((service) => `${service.image}@${service.digest}`);
}

/** The digest the registry serves for an image reference `<host>/<repository>:<tag>`. */
export async function servedDigest(client: RegistryClient, registryHost: string, image: string) {
  const reference = image.slice(`${registryHost}/`.length);
  const colon = reference.lastIndexOf(':');
  return client.resolveTag(reference.slice(0, colon), reference.slice(colon + 1));
}
