// @deployer/process's, for the tests and tools that start a registry beside something else.
export { findFreePort } from '@deployer/process';
export type { RegistryConfigInput, TokenAuthConfig } from './config.js';
export { renderRegistryConfig } from './config.js';
export { LocalRegistryError, type LocalRegistryErrorCode } from './errors.js';
export { findRunningRegistry, type RegistryState, stopByPid } from './pid-file.js';
export {
  type ProxyAnswer,
  type ProxyIntercept,
  type RegistryProxy,
  startRegistryProxy,
} from './registry-proxy.js';
export {
  DEFAULT_REGISTRY_BINARY,
  type LocalRegistry,
  type StartLocalRegistryOptions,
  startLocalRegistry,
} from './start.js';
