import { describe, expect, it } from 'vitest';
import { GitCheckoutError, validateCloneUrl } from '../src/index.js';

describe('validateCloneUrl', () => {
  it.each([
    'https://github.com/acme/shop.git',
    'https://git.example.com:8443/group/sub/shop',
    'ssh://git@github.com/acme/shop.git',
    'ssh://git.example.com:2222/acme/shop.git',
    'git@github.com:acme/shop.git',
    'file:///tmp/x/shop.git',
  ])('accepts %s', (url) => {
    expect(validateCloneUrl(url)).toBe(url);
  });

  it.each([
    ['--upload-pack=touch /tmp/pwned', 'must not start with "-"'],
    ['-oProxyCommand=x', 'must not start with "-"'],
    ['ext::sh -c touch% /tmp/pwned', 'whitespace'],
    ['ext::sh', 'transport ext:// is not allowed'],
    ['fd::3', 'transport fd:// is not allowed'],
    ['http://github.com/acme/shop.git', 'transport http:// is not allowed'],
    ['git://github.com/acme/shop.git', 'transport git:// is not allowed'],
    ['ssh://-oProxyCommand=touch%20x/shop', 'host that does not start with "-"'],
    ['git@-oProxyCommand=x:shop', 'must be https://'],
    ['-@host:path', 'must not start with "-"'],
    ['https://user:token@github.com/acme/shop.git', 'credentials'],
    ['https://token@github.com/acme/shop.git', 'credentials'],
    ['ssh://git:secret@github.com/acme/shop.git', 'credentials'],
    ['https://github.com/', 'names no repository path'],
    ['file://otherhost/tmp/shop.git', 'local path'],
    ['/tmp/x/shop.git', 'must be https://'],
    ['https://github.com/acme/shop.git\n', 'whitespace'],
    ['', 'must be https://'],
  ])('refuses %j (%s)', (url, rule) => {
    let error: unknown;
    try {
      validateCloneUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GitCheckoutError);
    expect((error as GitCheckoutError).code).toBe('INVALID_URL');
    expect((error as GitCheckoutError).message).toContain(rule);
  });
});
