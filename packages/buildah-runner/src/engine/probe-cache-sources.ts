import { probeImports, skopeoRepositoryProbe } from '../cache-source/probe.js';
import type { BuildSession } from './build-session.js';

/** Asks the registry which of the plan's cache imports exist, with the engine's probe (default skopeo). */
export function probeCacheSources(session: BuildSession): Promise<Map<string, boolean | null>> {
  const { request, options } = session;
  const plan = request.cache;
  const probe =
    options.repositoryExists ?? skopeoRepositoryProbe(options.skopeoPath ?? 'skopeo', session.env);
  return probeImports(plan.imports, probe, {
    insecure: session.insecure.has(plan.registry),
    authFile: session.workspace.authFile,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}
