import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { SecretMasker } from '@deployer/deploy';
import { parseFlags } from '../cli/args.js';
import { buildsPerDaemonFromFlag } from '../cli/builds-per-daemon.js';
import type { CommandContext } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { engineAssemblyFromFlags } from '../cli/plan-from-flags.js';
import { renamedFlag } from '../cli/renamed-flag.js';
import { serverPorts } from '../cli/server-ports.js';
import { wholeNumberFlag } from '../cli/whole-number-flag.js';
import { configFromFlags } from '../config/config-from-flags.js';
import { serveFlags } from './usage/serve.js';

/**
 * `deployer serve`: the preview-environment server. Runs until SIGTERM or SIGINT, then drains: no new
 * jobs, running builds finish for up to --drain-seconds, the rest go back to the queue.
 */
export async function runServe(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags } = parseFlags('serve', argv, serveFlags);
  const env = context.env;
  const configPath = flags.config ?? env.DEPLOYER_SERVER_CONFIG;
  if (configPath === undefined || configPath === '') {
    throw new UsageError('-c/--config <server.yaml> (or DEPLOYER_SERVER_CONFIG) is required', 'serve');
  }
  const webhookSecret = env.DEPLOYER_WEBHOOK_SECRET;
  if (webhookSecret === undefined || webhookSecret.length < 16) {
    throw new UsageError(
      'DEPLOYER_WEBHOOK_SECRET must be set to the GitHub webhook secret, at least 16 characters',
      'serve',
    );
  }
  // The API token signs in to the status pages and steers the API: short enough to guess, it is refused.
  const apiToken = env.DEPLOYER_API_TOKEN || undefined;
  if (apiToken !== undefined && apiToken.length < 16) {
    throw new UsageError(
      'DEPLOYER_API_TOKEN must be at least 16 characters (or unset: no API and no sign-in)',
      'serve',
    );
  }
  const { host, port } = listenAddress(
    flags.listen ?? env.DEPLOYER_LISTEN ?? '127.0.0.1:8080',
    flags.listen ? '--listen' : 'DEPLOYER_LISTEN',
  );
  const databaseUrl = flags['database-url'] ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError(
      `${flags['database-url'] ? '--database-url' : 'DATABASE_URL'} must be a postgres:// URL`,
      'serve',
    );
  }
  const concurrency = wholeNumberFlag('serve', 'concurrency', flags.concurrency, { min: 1, max: 64 });
  const claimSecondsFlag = renamedFlag(
    'serve',
    context,
    { name: 'claim-seconds', value: flags['claim-seconds'] },
    { name: 'lease-seconds', value: flags['lease-seconds'] },
  );
  const claimSeconds = wholeNumberFlag('serve', claimSecondsFlag.flag, claimSecondsFlag.value, {
    min: 2,
    max: 3600,
  });
  const drainSeconds =
    wholeNumberFlag('serve', 'drain-seconds', flags['drain-seconds'], { min: 0, max: 86_400 }) ?? 60;
  const sweepMinutes = wholeNumberFlag('serve', 'sweep-minutes', flags['sweep-minutes'], {
    min: 1,
    max: 10_080,
  });
  // The server loads as its own ES module package (not bundled: see scripts/bundle.mjs), once serving.
  const {
    createLogger,
    githubCredentialVariables,
    hookSecretVariables,
    loadServerConfig,
    readHookSecrets,
    serverSecretVariables,
    startServer,
  } = await import('@deployer/server');
  const configFile = resolve(context.cwd, configPath);
  const config = await loadServerConfig(configFile);
  // Every hook can sign (else exit 2 naming the hook and its variable); its secret is then kept apart.
  const hookSecrets = readHookSecrets(config, env, configFile);
  const hookVariables = hookSecretVariables(config);
  const hookSecretsEnv = Object.fromEntries(hookVariables.map((name) => [name, env[name]]));
  const replica = flags.replica ?? `${hostname()}-${process.pid}`;
  // Read once, then gone from every environment an engine process (buildctl, buildah) inherits: a build
  // reaches only the secrets the server config gives it, and not even a bug there reaches these.
  // The GitHub credentials the config names are the server's too: kept apart for GitHub feedback alone.
  const githubVariables = githubCredentialVariables(config);
  const githubCredentialsEnv = Object.fromEntries(githubVariables.map((name) => [name, env[name]]));
  const ownVariables = [...serverSecretVariables, ...githubVariables, ...hookVariables];
  const buildEnv = withoutVariables(env, ownVariables);
  for (const name of ownVariables) delete process.env[name];
  // The same assembly as `deployer build`'s: every engine setting is checked here, before the server
  // starts, and means what it means there (a named daemon makes `auto` BuildKit, TLS, the pool's limit).
  const buildsPerDaemon = buildsPerDaemonFromFlag('serve', flags['builds-per-daemon']);
  const engineContext = { ...context, env: buildEnv };
  const engines = await engineAssemblyFromFlags(flags, engineContext, {
    ...(buildsPerDaemon !== undefined && { buildsPerDaemon }),
  });

  // JSON lines on stdout for a log collector; readable lines on a terminal. The server's own secrets
  // are masked in every line.
  const logger = createLogger({
    pretty: context.stdout.isTTY === true,
    destination: context.stdout,
    masker: new SecretMasker([
      webhookSecret,
      ...(apiToken ? [apiToken] : []),
      ...Object.values(githubCredentialsEnv).filter((value): value is string => Boolean(value)),
      ...hookSecrets.values(),
    ]),
  });
  const server = await startServer({
    config,
    ...(databaseUrl !== undefined && { databaseUrl }),
    stateDir: resolve(context.cwd, flags['state-dir'] ?? '.deployer/state'),
    workDir: resolve(context.cwd, flags['work-dir'] ?? '.deployer/work'),
    host,
    port,
    webhookSecret,
    ...(apiToken !== undefined && { apiToken }),
    replica,
    ...(concurrency !== undefined && { concurrency }),
    ...(claimSeconds !== undefined && { claimSeconds }),
    ...(sweepMinutes !== undefined && { sweepIntervalMs: sweepMinutes * 60_000 }),
    ports: serverPorts(engines),
    // The operator's hooks and registry profiles, loaded with the engines above (the same module, once).
    lifecycleHooks: (await configFromFlags(flags, engineContext)).hooks,
    registryProfiles: (await configFromFlags(flags, engineContext)).registryProfiles,
    env: buildEnv,
    githubCredentialsEnv,
    hookSecretsEnv,
    logger,
  });
  await new Promise<void>((resolveStop) => {
    if (context.signal.aborted) resolveStop();
    context.signal.addEventListener('abort', () => resolveStop(), { once: true });
  });
  await server.stop(drainSeconds * 1000);
  return 0;
}

function withoutVariables(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of names) delete copy[name];
  return copy;
}

function listenAddress(value: string, source: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : Number.NaN;
  if (match === null || !(port >= 0 && port <= 65_535)) {
    throw new UsageError(
      `${source} ${JSON.stringify(value)} must be host:port, e.g. 127.0.0.1:8080 or [::1]:0`,
      'serve',
    );
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
