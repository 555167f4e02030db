import { describe, expect, it } from 'vitest';
import { withCheckoutRelative } from '../src/worker/checkout-paths.js';

describe('withCheckoutRelative', () => {
  const dir = '/srv/deployer/work/acme/shop/bright-spruce-1-0123456789ab-tok';

  it("names the checkout's files from the repository root, in errors and reports alike", () => {
    const outcome = {
      status: 'failed',
      error: `${dir}/deploy/env.yaml: services.web.context: build context ${dir}/missing is not a directory`,
      report: { services: [{ reason: `COPY failed in ${dir}/web`, contextDir: dir, steps: 3 }] },
    };
    expect(withCheckoutRelative(outcome, dir)).toEqual({
      status: 'failed',
      error: './deploy/env.yaml: services.web.context: build context ./missing is not a directory',
      report: { services: [{ reason: 'COPY failed in ./web', contextDir: '.', steps: 3 }] },
    });
  });

  it('leaves other paths and values alone', () => {
    expect(withCheckoutRelative({ error: '/etc/passwd', count: 2, none: null }, dir)).toEqual({
      error: '/etc/passwd',
      count: 2,
      none: null,
    });
  });
});
