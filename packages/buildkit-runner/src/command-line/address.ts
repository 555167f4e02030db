import { BuildkitError } from '../failures/errors.js';

/** TLS material for a `tcp://` daemon: paths, handed to buildctl as `--tlscacert/--tlscert/--tlskey`. */
export interface BuildkitTls {
  ca?: string;
  cert?: string;
  key?: string;
  /** A directory holding ca.pem, cert.pem and key.pem (`--tlsdir`), instead of the three paths. */
  dir?: string;
  /** Server name to verify the certificate against (`--tlsservername`). */
  serverName?: string;
}

export type BuildkitAddress =
  | { scheme: 'unix'; address: string; path: string }
  | { scheme: 'tcp'; address: string; host: string; port: number }
  | { scheme: 'docker-container'; address: string; container: string }
  | { scheme: 'kube-pod'; address: string; pod: string };

function invalid(address: string, rule: string): never {
  throw new BuildkitError('INVALID_ADDRESS', `BuildKit address ${JSON.stringify(address)}: ${rule}`);
}

const containerName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const podName = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const kubeParams = new Set(['namespace', 'context', 'container']);

/** Validates a `BUILDKIT_HOST` value (the forms buildctl's `--addr` takes that this runner supports). */
export function parseBuildkitAddress(address: string): BuildkitAddress {
  const match = /^([a-z-]+):\/\/(.*)$/.exec(address);
  if (match === null) invalid(address, 'expected unix://, tcp://, docker-container:// or kube-pod://');
  const [, scheme, rest = ''] = match;
  switch (scheme) {
    case 'unix': {
      if (!rest.startsWith('/')) invalid(address, 'unix:// needs an absolute socket path (unix:///run/…)');
      return { scheme, address, path: rest };
    }
    case 'tcp': {
      const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(rest);
      const port = Number(hostPort?.[2]);
      if (hostPort === null || port < 1 || port > 65_535) invalid(address, 'tcp:// needs host:port');
      return { scheme, address, host: hostPort[1] ?? '', port };
    }
    case 'docker-container': {
      if (!containerName.test(rest)) invalid(address, 'docker-container:// needs a container name');
      return { scheme, address, container: rest };
    }
    case 'kube-pod': {
      const [pod = '', query] = rest.split('?', 2);
      if (!podName.test(pod)) invalid(address, 'kube-pod:// needs a pod name');
      for (const key of new URLSearchParams(query ?? '').keys()) {
        if (!kubeParams.has(key)) invalid(address, `unknown kube-pod parameter ${JSON.stringify(key)}`);
      }
      return { scheme, address, pod };
    }
    default:
      return invalid(address, `unsupported scheme ${JSON.stringify(scheme)}`);
  }
}

/** Checks TLS options fit the address: only tcp:// speaks TLS, and a cert needs its key. */
export function validateTls(address: BuildkitAddress | null, tls: BuildkitTls | undefined): void {
  if (tls === undefined) return;
  const where = address?.address ?? '(default address)';
  if (address?.scheme !== 'tcp') {
    throw new BuildkitError('INVALID_OPTIONS', `TLS options need a tcp:// BuildKit address, got ${where}`);
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new BuildkitError('INVALID_OPTIONS', `TLS for ${where}: cert and key go together`);
  }
  if (tls.dir !== undefined && (tls.ca ?? tls.cert ?? tls.key) !== undefined) {
    throw new BuildkitError('INVALID_OPTIONS', `TLS for ${where}: give either dir or ca/cert/key`);
  }
}
