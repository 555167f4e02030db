import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// GitHub's published OpenAPI description (@octokit/openapi, api.github.com) loaded once, its operations as
// path patterns, and ajv validators for any schema in it by JSON pointer.

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal characters of the template: the most specific template wins. */
  weight: number;
  spec: OperationSpec;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  $ref?: string;
}

export interface OperationSpec {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    { content?: Record<string, { schema?: unknown; examples?: Record<string, unknown> }> }
  >;
}

export interface Description {
  spec: {
    paths: Record<string, Record<string, unknown>>;
    components: Record<string, Record<string, unknown>>;
  };
  ajv: Ajv;
  operations: Operation[];
  validators: Map<string, ValidateFunction>;
}

let loaded: Description | undefined;

/** GitHub's description, parsed once per test file (13 MB), with its operations as path patterns. */
export function description(): Description {
  if (loaded !== undefined) return loaded;
  const spec = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as Description['spec'];
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, coerceTypes: false });
  addFormats(ajv);
  openApiNullable(spec);
  ajv.addSchema(spec, 'github');
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const names: string[] = [];
      const source = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]+)\}/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      operations.push({
        operationId: (operation as OperationSpec).operationId,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        names,
        weight: template.replace(/\{[^}]+\}/g, '').length,
        spec: operation as OperationSpec,
      });
    }
  }
  operations.sort((a, b) => b.weight - a.weight);
  loaded = { spec, ajv, operations, validators: new Map() };
  return loaded;
}

/**
 * OpenAPI 3.0 reads `nullable: true` as "null too", enums included; ajv's nullable leaves an enum as
 * written (so `conclusion: null`, a check run not yet completed, would fail) and refuses it without
 * `type`. Null joins such enums, and a typeless nullable schema becomes `anyOf: [it, null]`.
 */
function openApiNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) openApiNullable(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const value of Object.values(node)) openApiNullable(value);
  const schema = node as Record<string, unknown> & { nullable?: unknown; enum?: unknown[]; type?: unknown };
  if (schema.nullable !== true) return;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  // ajv takes `nullable` only beside `type`; elsewhere (allOf, $ref) it is "this, or null".
  if (schema.type === undefined) {
    const { nullable: _nullable, ...rest } = schema;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [rest, { type: 'null' }];
  }
}

export function pointer(...segments: Array<string | number>): string {
  return `github#/${segments
    .map((segment) => encodeURIComponent(String(segment).replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('/')}`;
}

export function validator(ref: string): ValidateFunction {
  const { ajv, validators } = description();
  let validate = validators.get(ref);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

export function resolveRef<T>(value: T): T {
  const ref = (value as { $ref?: string } | undefined)?.$ref;
  if (ref === undefined) return value;
  let node: unknown = description().spec;
  for (const segment of ref.replace(/^#\//, '').split('/')) {
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node as T;
}

/** A query or path value as the schema's type: HTTP carries strings. */
export function typed(value: string, schema: unknown): unknown {
  const type = (resolveRef(schema) as { type?: string } | undefined)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
