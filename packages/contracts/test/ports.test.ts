// Type-level: `pnpm typecheck` (tsc over test/) checks these assertions; vitest only runs the file.
import { describe, expectTypeOf, it } from 'vitest';
import type { CacheRegistry, ImageRegistry, LeaseRegistry, RegistryPort } from '../src/index.js';

// Each registry operation belongs to exactly one port, and the whole registry is nothing but the three.
const portOf = {
  imageDigest: 'images',
  imageCreatedAt: 'images',
  tagImage: 'images',
  untag: 'images',
  deleteTag: 'images',
  listTags: 'images',
  listTagDigests: 'images',
  removeImageTags: 'images',
  listCacheRefs: 'caches',
  inspectCacheRef: 'caches',
  removeCacheRefs: 'caches',
  deleteRepositoryTags: 'caches',
  runExportManifest: 'caches',
  promoteCache: 'caches',
  listRunExports: 'caches',
  seedCacheRef: 'caches',
  claimLease: 'leases',
  leaseHolder: 'leases',
  releaseLease: 'leases',
  listLeases: 'leases',
} as const satisfies Record<keyof RegistryPort, 'images' | 'caches' | 'leases'>;

type Operations<Port extends string> = {
  [K in keyof typeof portOf]: (typeof portOf)[K] extends Port ? K : never;
}[keyof typeof portOf];

describe('the registry ports', () => {
  it('split the registry by concern, each operation in one port', () => {
    expectTypeOf<keyof ImageRegistry>().toEqualTypeOf<Operations<'images'>>();
    expectTypeOf<keyof CacheRegistry>().toEqualTypeOf<Operations<'caches'>>();
    expectTypeOf<keyof LeaseRegistry>().toEqualTypeOf<Operations<'leases'>>();
    expectTypeOf<keyof ImageRegistry & keyof CacheRegistry>().toBeNever();
    expectTypeOf<keyof ImageRegistry & keyof LeaseRegistry>().toBeNever();
    expectTypeOf<keyof CacheRegistry & keyof LeaseRegistry>().toBeNever();
    expectTypeOf<keyof RegistryPort>().toEqualTypeOf<keyof typeof portOf>();
  });
});
