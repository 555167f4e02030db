// `deployer serve` started for a bench: the built CLI as a child process, resolved once it says where it
// listens. The benches that start it (serve-footprint, merge-warmth) measure different things around it,
// so they share only this: start, wait for the address, keep the output for errors, stop.
import { execa } from 'execa';

/**
 * Starts `node <bin> serve <args…>` with `env` as its whole environment (nothing inherited unless the
 * caller passes it). `url` resolves once serve logs its address and rejects with serve's last output when
 * it exits first; `child` is there at once, for benches that sample the process while it starts.
 */
export function startServeProcess({ bin, args, env }) {
  const child = execa(process.execPath, [bin, 'serve', ...args], {
    env: { ...env, NO_COLOR: '1' },
    extendEnv: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    reject: false,
    buffer: false,
  });
  let output = '';
  const exited = child.then((result) => result.exitCode ?? result.signal);
  const url = new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match) resolve(match[1]);
    });
    exited.then((code) => reject(new Error(`deployer serve exited ${code}:\n${output.slice(-2000)}`)));
  });
  return {
    child,
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
