import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BuildahError } from '../src/errors.js';
import { createBuildahEngine } from '../src/index.js';
import type { BuildEngine, EngineFailure } from './deploy-engine-port.js';

describe("deploy's engine port", () => {
  it('accepts the buildah engine and its error, structurally', () => {
    expectTypeOf(createBuildahEngine()).toExtend<BuildEngine>();
    expectTypeOf<BuildahError>().toExtend<EngineFailure>();
    expect(createBuildahEngine().name).toBe('buildah');
  });

  it('is checked against the port deploy has now (copy test/deploy-engine-port.ts again if this fails)', () => {
    const current = readFileSync(
      join(import.meta.dirname, '..', '..', 'deploy', 'src', 'ports', 'engine.ts'),
      'utf8',
    );
    const copy = readFileSync(join(import.meta.dirname, 'deploy-engine-port.ts'), 'utf8');
    expect(copy).toBe(current);
  });
});
