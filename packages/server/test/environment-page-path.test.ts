import { describe, expect, it } from 'vitest';
import { environmentPagePath } from '../src/http/environment-page-path.js';

describe('environmentPagePath: the one shape of a status page link', () => {
  it('encodes the build uuid and the repository (owner/name keeps its slash only encoded)', () => {
    expect(environmentPagePath('pr-7', 'acme/shop')).toBe('/environments/pr-7?repository=acme%2Fshop');
    expect(environmentPagePath('main')).toBe('/environments/main');
    expect(environmentPagePath('a b', 'x&y')).toBe('/environments/a%20b?repository=x%26y');
  });
});
