import type { HttpClient } from './http-client.js';

/** What the operation modules share: the HTTP layer and the host for refs in messages. */
export interface RegistryContext {
  http: HttpClient;
  host: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export function formatRef(host: string, repository: string, reference?: string): string {
  if (!reference) return `${host}/${repository}`;
  return reference.includes(':')
    ? `${host}/${repository}@${reference}`
    : `${host}/${repository}:${reference}`;
}

export const pullScope = (repository: string): string => `repository:${repository}:pull`;
export const pushScope = (repository: string): string => `repository:${repository}:pull,push`;
export const deleteScope = (repository: string): string => `repository:${repository}:delete`;
export const CATALOG_SCOPE = 'registry:catalog:*';
