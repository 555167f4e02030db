import { describe, expect, it } from 'vitest';
import { corruptRefsToReport } from '../src/failures/corrupt-cache.js';
import { fixturePlan, R } from './helpers.js';

const ref = (uuid: string) => `${R}/cache/shop/web/${uuid}:cache`;
const exported = { cacheManifestDigest: `sha256:${'a'.repeat(64)}` };

describe('corruptRefsToReport', () => {
  const plan = fixturePlan('silent-lake-300001', ['main', 'develop']);

  it('reports dropped fallbacks', () => {
    expect(corruptRefsToReport([ref('main'), ref('develop')], plan, exported)).toEqual([
      ref('main'),
      ref('develop'),
    ]);
  });

  it('spares the own ref the retry wrote anew, reports it when the export did not happen', () => {
    expect(corruptRefsToReport([ref('silent-lake-300001'), ref('main')], plan, exported)).toEqual([
      ref('main'),
    ]);
    expect(corruptRefsToReport([ref('silent-lake-300001')], plan, { cacheManifestDigest: null })).toEqual([
      ref('silent-lake-300001'),
    ]);
  });

  it('counts the image push as the rewrite of an inline cache', () => {
    const inline = fixturePlan('silent-lake-300001', ['main'], { profile: { acceptsModeMax: false } });
    expect(corruptRefsToReport([ref('silent-lake-300001')], inline, { cacheManifestDigest: null })).toEqual(
      [],
    );
  });
});
