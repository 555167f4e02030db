import { describe, expect, it } from 'vitest';
import { lifecycleCaller } from '../src/worker/lifecycle-hooks.js';

// Under `serve`, the operator's hooks hear every build; one that throws is reported and never stops the
// build or the hooks after it.
describe('lifecycle hooks under serve', () => {
  it('calls every hooks object in order, reports a throwing one and goes on', async () => {
    const heard: string[] = [];
    const failures: Array<[string, number, string]> = [];
    const call = lifecycleCaller(
      [
        {
          async afterBuild({ buildUuid }) {
            heard.push(`first ${buildUuid}`);
            throw new Error('values file not writable');
          },
        },
        { beforeBuild: ({ engine }) => void heard.push(`before ${engine}`) },
        { afterBuild: ({ report }) => void heard.push(`second ${report.services.length}`) },
      ],
      (name, index, error) => failures.push([name, index, (error as Error).message]),
    );
    await call('beforeBuild', { buildUuid: 'quiet-river-123456', services: ['web'], engine: 'buildah' });
    await expect(
      call('afterBuild', {
        buildUuid: 'quiet-river-123456',
        report: { buildUuid: 'quiet-river-123456', engine: 'buildah', ok: true, services: [] },
      }),
    ).resolves.toBeUndefined();
    expect(heard).toEqual(['before buildah', 'first quiet-river-123456', 'second 0']);
    expect(failures).toEqual([['afterBuild', 0, 'values file not writable']]);
  });
});
