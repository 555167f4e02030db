import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import { type ServerConfig, ServerConfigSchema, verifyDelivery } from '../../src/index.js';

// Real payloads GitHub sent, as @octokit/webhooks-examples collects them (repository Codertocat/Hello-World).
interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

// biome-ignore lint/suspicious/noExplicitAny: payloads are edited freely in tests
export type Payload = Record<string, any>;

/** A copy of the first real example of an event (and action) that matches. */
export function example(
  event: string,
  action?: string,
  matches: (p: Payload) => boolean = () => true,
): Payload {
  const found = definitions
    .find((definition) => definition.name === event)
    ?.examples.find(
      (candidate) => (action === undefined || candidate.action === action) && matches(candidate),
    );
  if (found === undefined) throw new Error(`no example of ${event} ${action ?? ''}`);
  return structuredClone(found);
}

export const secret = 'a webhook secret only the test and the server know';

export async function signedRequest(event: string, body: string, deliveryId: string = crypto.randomUUID()) {
  return {
    headers: {
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(secret, body),
      'content-type': 'application/json',
    } as Record<string, string>,
    rawBody: Buffer.from(body),
  };
}

/** GitHub's legacy header, an HMAC-SHA1 over the body. */
export function sha1Signature(body: string): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

/** Signs and verifies a payload as the server would receive it. */
export async function deliver(event: string, payload: Payload) {
  return verifyDelivery({ ...(await signedRequest(event, JSON.stringify(payload))), secret });
}

/** A server config of these repositories, each with its own image repository unless it names one. */
export function config(repositories: Record<string, unknown>[]): ServerConfig {
  return ServerConfigSchema.parse({
    repositories: repositories.map((repository, index) => ({
      registry: { host: 'registry.example.test', repository: `previews/r${index}` },
      ...repository,
    })),
  });
}
