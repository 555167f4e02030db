import { RegistryError } from '../errors.js';
import {
  CATALOG_SCOPE,
  type CallOptions,
  formatRef,
  pullScope,
  type RegistryContext,
} from '../http/context.js';

export interface PageOptions extends CallOptions {
  /** `n`: entries per page. Registries may cap it (distribution: 1000 for the catalog). */
  pageSize?: number;
}

/** The `rel="next"` target of a `Link` header, resolved against the request URL. */
export function nextLink(link: string | null, base: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;(?:[^;]*;)*\s*rel="?next"?/i.exec(part.trim());
    if (match?.[1]) return new URL(match[1], base).href;
  }
  return undefined;
}

async function* paginate(
  ctx: RegistryContext,
  spec: { operation: string; ref?: string; path: string; scopes: string[]; field: 'tags' | 'repositories' },
  options: PageOptions,
): AsyncGenerator<string[]> {
  let path: string | undefined = spec.path;
  let query: Record<string, string | undefined> | undefined =
    options.pageSize !== undefined ? { n: String(options.pageSize) } : undefined;
  const seen = new Set<string>();
  while (path) {
    const response = await ctx.http.request({
      operation: spec.operation,
      ref: spec.ref,
      method: 'GET',
      path,
      query,
      scopes: spec.scopes,
      ok: [200],
      notFoundCode: 'NAME_UNKNOWN',
      signal: options.signal,
    });
    let page: unknown;
    try {
      page = (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)[spec.field];
    } catch {
      throw new RegistryError(`${spec.operation}: response is not JSON`, {
        code: 'INVALID_RESPONSE',
        operation: spec.operation,
        ref: spec.ref,
      });
    }
    // distribution answers `"tags": null` for a repository whose tags were all deleted.
    const entries = Array.isArray(page) ? page.filter((e): e is string => typeof e === 'string') : [];
    if (entries.length > 0) yield entries;
    const next = nextLink(response.headers.get('link'), response.url);
    // Guard against a registry that keeps returning the same page.
    if (!next || entries.length === 0 || seen.has(next)) break;
    seen.add(next);
    path = next;
    query = undefined;
  }
}

/** Tags of a repository, page by page (`n`/`last` and `Link: rel="next"`). */
export function listTagPages(
  ctx: RegistryContext,
  repository: string,
  options: PageOptions = {},
): AsyncGenerator<string[]> {
  return paginate(
    ctx,
    {
      operation: 'tags.list',
      ref: formatRef(ctx.host, repository),
      path: `/v2/${repository}/tags/list`,
      scopes: [pullScope(repository)],
      field: 'tags',
    },
    options,
  );
}

/** Repository names of the registry's catalog, page by page. */
export function listCatalogPages(ctx: RegistryContext, options: PageOptions = {}): AsyncGenerator<string[]> {
  return paginate(
    ctx,
    {
      operation: 'catalog.list',
      ref: ctx.host,
      path: '/v2/_catalog',
      scopes: [CATALOG_SCOPE],
      field: 'repositories',
    },
    options,
  );
}

export async function collect(pages: AsyncIterable<string[]>): Promise<string[]> {
  const all: string[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
