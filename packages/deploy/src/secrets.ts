import { SpecError } from './errors.js';
import type { EnvironmentPlan } from './plan.js';
import { formatSpecPath } from './spec/issue-path.js';

/**
 * Before anything starts: every secret a planned build needs from the environment is set. Only names
 * are checked and reported, never values.
 */
export function checkSecretSources(
  plan: EnvironmentPlan,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  for (const service of plan.services) {
    if (service.action !== 'build') continue;
    service.secrets.forEach((secret, index) => {
      if ('env' in secret && env[secret.env] === undefined) {
        throw new SpecError('MISSING_SECRET', {
          path: formatSpecPath(['services', service.service, 'secrets', index, 'env']),
          detail: `environment variable ${secret.env} (secret ${secret.id}) is not set`,
        });
      }
    });
  }
}
