import { type RegistryProxy, startRegistryProxy } from '@deployer/local-registry';

/**
 * A loopback proxy in front of a real registry that behaves like a registry refusing cross-repository
 * mounts: it drops `mount` and `from` from upload POSTs, so the registry opens an ordinary upload session
 * and answers 202, as registries do when they do not mount. Everything else passes unchanged.
 */
export function startMountRefusingProxy(target: string): Promise<RegistryProxy> {
  return startRegistryProxy(target, ({ method, path }) => {
    const url = new URL(path, 'http://proxy');
    if (method !== 'POST' || !url.searchParams.has('mount')) return undefined;
    url.searchParams.delete('mount');
    url.searchParams.delete('from');
    return { forward: `${url.pathname}${url.search}` };
  });
}
