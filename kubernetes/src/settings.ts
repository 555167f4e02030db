/** What the manifests share: names, the namespace, ports and where TLS material is mounted. */
export const namespace = 'deployer';
export const buildkitdName = 'buildkitd';
export const buildkitdPort = 1234;
/** The headless Service's name resolves to one A record per ready daemon: deployer's `dns://` entry. */
export const buildkitdHosts = `dns://${buildkitdName}.${namespace}.svc.cluster.local:${buildkitdPort}`;
/** The name in the daemons' server certificate; deployer dials them by address, so it verifies this. */
export const buildkitdServerName = buildkitdName;
export const buildkitImage = 'moby/buildkit:v0.11.6-rootless';
/**
 * An image whose entrypoint is `deployer` (build it from this repository), holding on its PATH Node.js,
 * `buildctl`, `git` (serve checks out commits) and `setpriv` (util-linux): see the README.
 */
export const deployerImage = 'registry.example/deployer/deployer:latest';
/** Secrets: the daemons' server certificate and the client certificate deployer presents (ca.pem, cert.pem, key.pem). */
export const serverTlsSecret = 'buildkitd-server-tls';
export const clientTlsSecret = 'buildkitd-client-tls';
/** Registry credentials (a docker config.json), mounted where DOCKER_CONFIG points. */
export const registryCredentialsSecret = 'deployer-registry-credentials';
export const tlsMountPath = '/certs';
/** `deployer serve`: its port, its config (a ConfigMap holding server.yaml) and its secrets. */
export const servePort = 8080;
export const serveConfigMap = 'deployer-serve-config';
/** Keys `webhook-secret`, `api-token` and `database-url` (a Postgres URL: replicas share one database). */
export const serveSecret = 'deployer-serve';
/** How long a running build may finish on SIGTERM; the pod's grace period leaves room beyond it. */
export const serveDrainSeconds = 120;
