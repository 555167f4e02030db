import type { JobFallback } from '@deployer/state';
import { describe, expect, it } from 'vitest';
import { importableFallbacks } from '../src/worker/importable-fallbacks.js';
import { validUuid } from './support/build-uuids.js';

const merged: JobFallback = {
  buildUuid: validUuid('pr-7'),
  why: 'merged pull request #7',
  relation: 'merged-pull-request',
};
const main: JobFallback = {
  buildUuid: validUuid('main'),
  why: 'default branch main',
  relation: 'default-branch',
};
const stacked: JobFallback = {
  buildUuid: validUuid('pr-6'),
  why: 'stacked on pull request #6 (feature-a)',
  relation: 'stacked-pull-request',
};
const secret = (pullRequests: boolean) => ({ id: 'npm', env: 'NPM_TOKEN', pullRequests });

describe('importable fallbacks', () => {
  it("a branch imports a merged pull request's cache when pull requests got every secret", () => {
    expect(importableFallbacks([merged, main], { secrets: [] }, 'fallback')).toEqual([merged, main]);
    expect(importableFallbacks([merged, main], { secrets: [secret(true)] }, 'fallback')).toEqual([
      merged,
      main,
    ]);
  });

  it('a branch never imports one when a secret is withheld from pull requests: cache keys leave secrets out', () => {
    expect(importableFallbacks([merged, main], { secrets: [secret(false)] }, 'fallback')).toEqual([main]);
  });

  it("a pull request's import order is left as the state gives it", () => {
    expect(importableFallbacks([stacked, main], { secrets: [secret(false)] }, 'pull_request')).toEqual([
      stacked,
      main,
    ]);
  });
});
