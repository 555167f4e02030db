import { describe, expect, it } from 'vitest';
import { parseServerConfig, ServerConfigError } from '../src/index.js';

// `pages.public`: whether builds' failure text is for everyone, or only for signed-in operators (the
// default: anyone who can open a pull request reads the pages).
const repositories = [
  { name: 'acme/shop', spec: 'env.yaml', registry: { host: 'registry.example.test', repository: 'shop' } },
];

function refusal(raw: unknown): string {
  try {
    parseServerConfig(raw, 'server.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ServerConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('pages', () => {
  it('keeps failure text for signed-in operators unless the config makes the pages public', () => {
    expect(parseServerConfig({ repositories }, 'server.yaml').pages).toEqual({ public: false });
    expect(parseServerConfig({ repositories, pages: {} }, 'server.yaml').pages).toEqual({ public: false });
    expect(parseServerConfig({ repositories, pages: { public: true } }, 'server.yaml').pages).toEqual({
      public: true,
    });
  });

  it('refuses anything but a boolean, and unknown keys', () => {
    expect(refusal({ repositories, pages: { public: 'yes' } })).toMatch(/^server\.yaml: pages\.public: /);
    expect(refusal({ repositories, pages: { open: true } })).toMatch(/^server\.yaml: pages: .*open/);
  });
});
