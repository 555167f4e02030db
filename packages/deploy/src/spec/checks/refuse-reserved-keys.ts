import { SpecError } from '../../errors.js';
import { ServiceNameSchema } from '../environment-schema.js';
import { formatSpecPath } from '../spec-path.js';

const reserved = '__proto__';

/**
 * zod drops a `__proto__` key from records without a word (it would replace the result's prototype), so
 * a service or build argument named so would vanish from the build. Refused here, naming the rule.
 */
export function refuseReservedKeys(raw: unknown, path: PropertyKey[] = []): void {
  if (typeof raw !== 'object' || raw === null) return;
  if (Object.hasOwn(raw, reserved)) {
    const where = [...path, reserved];
    const nameRule =
      path.length === 1 && path[0] === 'services'
        ? ServiceNameSchema.safeParse(reserved).error?.issues[0]?.message
        : undefined;
    throw new SpecError('INVALID_SPEC', {
      path: formatSpecPath(where),
      detail: `key "${reserved}" is not allowed: ${nameRule ?? 'it names the prototype of an object, not an entry'}`,
    });
  }
  const entries = Array.isArray(raw)
    ? raw.map((value, index) => [index, value] as const)
    : Object.entries(raw);
  for (const [key, value] of entries) refuseReservedKeys(value, [...path, key]);
}
