import { readFile } from 'node:fs/promises';
import { unavailableSecretSource } from '@deployer/contracts';
import { SpecError } from '../errors.js';
import type { EnvironmentPlan } from '../plan/plan-environment.js';
import { formatSpecPath } from '../spec/spec-path.js';
import { minimumMaskedLength, SecretMasker, tooShortToMask } from './secret-masker.js';

/**
 * Before anything starts: every secret a planned build needs is there, an `env` secret's variable set and
 * a `file` secret's file readable (the rule is @deployer/contracts' `unavailableSecretSource`, the one the
 * engines check too). Only names are checked and reported, never values.
 */
export async function checkSecretSources(
  plan: EnvironmentPlan,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  for (const service of plan.services) {
    if (service.action !== 'build') continue;
    const unavailable = await unavailableSecretSource(service.secrets, env);
    if (unavailable === null) continue;
    const field = 'env' in unavailable.secret ? 'env' : 'file';
    throw new SpecError('MISSING_SECRET', {
      path: formatSpecPath(['services', service.service, 'secrets', unavailable.index, field]),
      detail: unavailable.reason,
    });
  }
}

export interface SecretMasking {
  masker: SecretMasker;
  /** Per service, secrets too short to mask (see minimumMaskedLength), by id: never the value. */
  warnings: Array<{ service: string; message: string }>;
}

/**
 * The masker for everything a plan's builds print or return, from the values of every secret a build
 * uses: an `env` secret's variable, a `file` secret's contents. checkSecretSources has refused a file
 * that cannot be read; one that goes away after it is left out here, and the engine fails that build,
 * naming the file.
 */
export async function secretMasking(
  plan: EnvironmentPlan,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<SecretMasking> {
  const values: string[] = [];
  const warnings: SecretMasking['warnings'] = [];
  for (const service of plan.services) {
    if (service.action !== 'build') continue;
    for (const secret of service.secrets) {
      const value =
        'env' in secret ? env[secret.env] : await readFile(secret.file, 'utf8').catch(() => undefined);
      if (value === undefined) continue;
      values.push(value);
      if (tooShortToMask(value)) {
        warnings.push({
          service: service.service,
          message: `secret ${secret.id} is shorter than ${minimumMaskedLength} characters: its value is not masked in build output`,
        });
      }
    }
  }
  return { masker: new SecretMasker(values), warnings };
}
