import { rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { BuildEvent, EngineBuildRequest } from '@deployer/contracts';
import { makeOwnedTempDir, ProcessError, runProcess } from '@deployer/process';
import { attemptArgs, attemptFiles } from '../command-line/attempt-args.js';
import type { EngineSettings } from '../engine/options.js';
import { classifyFailure } from '../failures/classify.js';
import { BuildkitError } from '../failures/errors.js';
import { type ProgressSummary, ProgressTracker } from '../progress/progress-tracker.js';
import { SolveStatusReader } from '../progress/read-solve-status.js';
import { tailFile } from '../progress/tail-file.js';
import { readBuildMetadata } from './metadata.js';
import { OutputTail } from './output-tail.js';

/** The kind of an attempt's owned temporary directory (see @deployer/process's makeOwnedTempDir). */
export const attemptDirKind = 'buildkit';

export interface AttemptInput {
  request: EngineBuildRequest;
  settings: EngineSettings;
  withoutImports: readonly string[];
  signal: AbortSignal;
  /** The error to report when `signal` aborted. */
  cancelled: () => BuildkitError;
  emit: (event: BuildEvent) => void;
}

export type AttemptOutcome =
  | { ok: true; imageDigest: string; cacheManifestDigest: string | null; progress: ProgressSummary }
  | { ok: false; error: BuildkitError; progress: ProgressSummary };

/** One run of buildctl (or buildx): progress streamed to `emit`, the outcome classified. */
export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { request, settings } = input;
  const workDir = await makeOwnedTempDir(settings.tempDir ?? tmpdir(), attemptDirKind);
  const files = attemptFiles(workDir);
  const tracker = new ProgressTracker();
  const output = new OutputTail();
  const emit = (event: BuildEvent) => {
    tracker.observe(event);
    input.emit(event);
  };
  const context = { buildUuid: request.buildUuid, service: request.service };
  let trace: { stop(): Promise<void> } | undefined;

  try {
    // buildctl: progress from the --trace file, its stderr (plain progress) only for the final error line.
    // buildx: rawjson progress and its own messages share stderr.
    const progress = new SolveStatusReader((line) => output.add(line));
    const stdout = output.sink();
    let stderr: { push(chunk: Uint8Array): void; end(): void };
    const args = attemptArgs(request, settings, files, input.withoutImports);
    if (settings.driver === 'buildctl') {
      stderr = output.sink();
      trace = tailFile(files.traceFile, (chunk) => progress.push(chunk).forEach(emit), settings.tracePollMs);
    } else {
      stderr = { push: (chunk) => progress.push(chunk).forEach(emit), end: () => {} };
    }

    const outcome = await runProcess({
      file: settings.binary,
      args,
      env: settings.env,
      signal: input.signal,
      killGraceMs: settings.killGraceMs,
      onStdout: (chunk) => stdout.push(chunk),
      onStderr: (chunk) => stderr.push(chunk),
    }).catch((error: unknown) => {
      if (error instanceof ProcessError) return error;
      throw error;
    });
    await trace?.stop();
    stdout.end();
    stderr.end();
    const spawnFailed = outcome instanceof ProcessError;
    const aborted = !spawnFailed && outcome.stoppedBy !== null;
    progress.end(!aborted && !spawnFailed && outcome.exitCode === 0).forEach(emit);
    const summary = tracker.summary();

    if (aborted) return { ok: false, error: input.cancelled(), progress: summary };
    if (spawnFailed) {
      const error = new BuildkitError(
        'SPAWN_FAILED',
        `could not run ${settings.binary}: ${outcome.systemCode ?? outcome.message}`,
        context,
      );
      return { ok: false, error, progress: summary };
    }
    if (outcome.exitCode !== 0) {
      const error = classifyFailure({
        exitCode: outcome.exitCode,
        output: output.snapshot(),
        progress: summary,
        ...context,
      });
      return { ok: false, error, progress: summary };
    }
    const metadata = await readBuildMetadata(files.metadataFile);
    if (metadata.imageDigest === null) {
      const error = new BuildkitError(
        'NO_IMAGE_DIGEST',
        `${settings.binary} succeeded but reported no image digest`,
        context,
      );
      return { ok: false, error, progress: summary };
    }
    return {
      ok: true,
      imageDigest: metadata.imageDigest,
      cacheManifestDigest: metadata.cacheManifestDigest,
      progress: summary,
    };
  } finally {
    await trace?.stop();
    removeWorkDir(workDir, files);
  }
}

/**
 * The attempt's files, then its directory: on the way from the engine to the promotion, so the files it
 * knows go one call each (a recursive removal first loads Node's rimraf and walks the directory); anything
 * else found there falls back to the recursive removal.
 */
function removeWorkDir(workDir: string, files: { traceFile: string; metadataFile: string }): void {
  for (const file of [files.traceFile, files.metadataFile]) {
    try {
      unlinkSync(file);
    } catch {
      // Never written (the engine did not start, or wrote no metadata): nothing to remove.
    }
  }
  try {
    rmdirSync(workDir);
  } catch {
    rmSync(workDir, { recursive: true, force: true });
  }
}
