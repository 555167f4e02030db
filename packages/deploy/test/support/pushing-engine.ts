import type { BuildEngine, EngineBuildRequest, EngineBuildResult } from '@deployer/contracts';
import type { RegistryClient } from '@deployer/registry';
import { engineResult } from './scripted-engine.js';
import { pushImage } from './seed.js';

/**
 * An in-process BuildEngine that pushes what a real engine would: one new image per build, under every
 * name the request asks for, one after another (as buildah does), its config `created` at `created`.
 */
export class PushingEngine implements BuildEngine {
  readonly name = 'pushing';
  readonly calls: EngineBuildRequest[] = [];
  /** The build time the next images record. */
  created = new Date();
  #builds = 0;

  constructor(private readonly client: () => RegistryClient) {}

  async build(request: EngineBuildRequest): Promise<EngineBuildResult> {
    this.calls.push(request);
    const content = `${request.service} build ${++this.#builds} for ${request.buildUuid}`;
    const imageDigest = await pushImage(this.client(), request.images, content, this.created);
    return engineResult({ imageDigest });
  }

  async argv(): Promise<{ argv: string[]; unresolved: [] }> {
    return { argv: ['pushing-engine'], unresolved: [] };
  }
}
