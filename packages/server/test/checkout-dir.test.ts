import { describe, expect, it } from 'vitest';
import { checkoutDir } from '../src/worker/checkout-dir.js';

describe('checkoutDir', () => {
  const sha = 'a0496b7ba6dea28f7353e3f243e40fdf763efd69';

  it('gives every claim of one environment and commit its own folder, under the repository’s', () => {
    // A teardown claimed right after the build of the same commit, or a takeover, while the first job
    // still removes its folder: never the same folder.
    const build = checkoutDir(
      '/work',
      'acme/shop',
      'odd-meadow-225275',
      sha,
      '3f1c2a9e-0b1d-4c6e-8f00-1a2b3c4d5e6f',
    );
    const down = checkoutDir(
      '/work',
      'acme/shop',
      'odd-meadow-225275',
      sha,
      '9d8e7f60-1111-4222-8333-444455556666',
    );
    expect(build).toBe('/work/acme__shop/odd-meadow-225275-a0496b7ba6de-3f1c2a9e');
    expect(down).toBe('/work/acme__shop/odd-meadow-225275-a0496b7ba6de-9d8e7f60');
  });

  it('keeps only hexadecimal digits of the token in the name', () => {
    expect(checkoutDir('/work', 'acme/shop', 'pr-1', sha, '../../x-y/z')).toBe(
      '/work/acme__shop/pr-1-a0496b7ba6de-',
    );
  });
});
