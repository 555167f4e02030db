// `node --require ./cpu-usage.cjs …`: at exit, appends the process's own CPU time (user + system, in ms) to
// the file BENCH_CPU_LOG names. The CPU deployer's Node process spends, apart from the engine it runs
// (a child process, not counted here): a figure less noisy than wall time on a shared, loaded machine.
// CommonJS and preloaded with --require: an ES module preloaded with --import starts Node's ES module
// loader first, ~5 ms that a user's `deployer` (a CommonJS bin) never spends, added to every build measured.
const { appendFileSync } = require('node:fs');

const log = process.env.BENCH_CPU_LOG;
if (log) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(log, `${(user + system) / 1000}\n`);
  });
}
