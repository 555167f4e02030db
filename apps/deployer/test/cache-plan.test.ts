import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const base = [
  'cache',
  'plan',
  '--registry',
  'distribution.example:5000',
  '--repository',
  'next-web',
  '--service',
  'web',
];

describe('deployer cache plan', () => {
  it('prints the environment’s refs and the exact buildctl flags', async () => {
    const result = await runCli([...base, '--uuid', 'wandering-credit-924200', '--fallback', 'main']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'export    distribution.example:5000/next-web/web/wandering-credit-924200:cache',
    );
    expect(result.stdout).toContain(
      'import 2  distribution.example:5000/next-web/web/main:cache  (fallback)',
    );
    expect(result.stdout).toContain(
      'lease     distribution.example:5000/next-web/web/wandering-credit-924200/lease:lease',
    );
    expect(result.stdout).toContain(
      '--export-cache type=registry,ref=distribution.example:5000/next-web/web/wandering-credit-924200:cache,mode=max,oci-mediatypes=true,ignore-error=true',
    );
  });

  it('prints JSON with --json', async () => {
    const result = await runCli([...base, '--uuid', 'u1', '--kind', 'ecr', '--insecure', '--json']);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      strategy: string;
      export: { ref: string };
      lease: { ref: string };
      args: string[];
    };
    expect(plan.strategy).toBe('tag');
    expect(plan.export.ref).toBe('distribution.example:5000/next-web:cache-web-u1');
    expect(plan.lease.ref).toBe('distribution.example:5000/next-web:lease-web-u1');
    expect(plan.args[1]).toContain('image-manifest=true');
    expect(plan.args[1]).toContain('registry.insecure=true');
  });

  it('plans an import-only build without --uuid', async () => {
    const result = await runCli([...base, '--json']);
    const plan = JSON.parse(result.stdout) as { export: unknown; args: string[] };
    expect(plan.export).toBeNull();
    expect(plan.args).toEqual([
      '--import-cache',
      'type=registry,ref=distribution.example:5000/next-web/web:cache',
    ]);
  });

  it('renders buildah flags for --engine buildah', async () => {
    const result = await runCli([...base, '--uuid', 'u1', '--engine', 'buildah', '--json']);
    expect((JSON.parse(result.stdout) as { args: string[] }).args).toEqual([
      '--layers',
      '--cache-to',
      'distribution.example:5000/next-web/web/u1',
      '--cache-from',
      'distribution.example:5000/next-web/web/u1',
    ]);
  });

  it.each([
    [['--bogus'], /unknown flag --bogus/],
    [['--strategy', 'nested'], /--strategy must be one of path, tag, auto/],
    [['--kind', 'artifactory'], /--kind must be one of/],
    [['--registry', 'Bad Host'], /--registry "Bad Host": registry host/],
    [['--repository', 'Next/Web'], /--repository "Next\/Web": path component "Next"/],
    [['--insecure=yes'], /--insecure takes no value/],
    [['--uuid'], /--uuid needs a value/],
    // A build uuid follows one rule on every command: this one no longer sanitises what others refuse.
    [['--uuid', 'Web/../main'], /--uuid "Web\/\.\.\/main".*must be lower-case letters and digits/],
    [['--uuid', 'x'.repeat(64)], /--uuid .*must be at most 63 characters/],
    [['--fallback', 'main', '--fallback', 'Main'], /--fallback 2 "Main".*must be lower-case/],
  ])('rejects %j with a message naming the flag and exit 2', async (extra, message) => {
    const result = await runCli([...base, ...extra]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('requires --service', async () => {
    const result = await runCli(['cache', 'plan', '--registry', 'r.example', '--repository', 'x']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--service is required');
  });
});

describe('deployer help', () => {
  it('answers --help on every command', async () => {
    const overview = await runCli(['--help']);
    expect(overview.exitCode).toBe(0);
    const commands = [...overview.stdout.matchAll(/^ {2}deployer ([a-z ]+?) {2,}/gm)].map(
      (match) => match[1]!,
    );
    expect(commands).toContain('cache plan');
    for (const command of commands) {
      const help = await runCli([...command.split(' '), '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain(`usage: deployer ${command}`);
    }
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await runCli(['deploy-everything']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown command "deploy-everything"');
  });
});
