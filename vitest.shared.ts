import { basename, join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Every package's vitest config. With DEPLOYER_TEST_REPORT_DIR set (CI does), each package also writes a
 * JSON report there, `<package folder>.json`, from which `.ci/count-e2e.mjs` proves the BuildKit
 * end-to-end tests ran instead of skipping.
 */
export function packageTestConfig(packageDir: string) {
  const reportDir = process.env.DEPLOYER_TEST_REPORT_DIR;
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // Real builds (buildah, BuildKit, registries) run in many tests: a loaded CI machine must not time them out.
      testTimeout: 120_000,
      hookTimeout: 60_000,
      ...(reportDir
        ? {
            reporters: ['default', 'json'],
            outputFile: { json: join(reportDir, `${basename(packageDir)}.json`) },
          }
        : {}),
    },
  });
}
