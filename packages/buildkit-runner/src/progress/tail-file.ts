import { type FileHandle, open } from 'node:fs/promises';

export interface FileTail {
  /** Reads what is left, then closes the file. */
  stop(): Promise<void>;
}

/**
 * Follows a file another process appends to (buildctl's `--trace`), handing each newly written chunk to
 * `onChunk` as it appears. Waits for the file to exist; polls, because buildctl writes with plain writes
 * and a poll works the same on every filesystem.
 */
export function tailFile(path: string, onChunk: (chunk: Uint8Array) => void, intervalMs = 100): FileTail {
  let stopping = false;
  let wake: (() => void) | undefined;
  const buffer = Buffer.alloc(64 * 1024);

  const loop = (async () => {
    let handle: FileHandle | undefined;
    let position = 0;
    try {
      for (;;) {
        const lastPass = stopping;
        handle ??= await openIfExists(path);
        if (handle !== undefined) {
          for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
            if (bytesRead === 0) break;
            position += bytesRead;
            onChunk(Uint8Array.prototype.slice.call(buffer, 0, bytesRead));
          }
        }
        if (lastPass) return;
        if (stopping) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      await handle?.close();
    }
  })();
  // stop() reports a read error; until then, keep it from surfacing as an unhandled rejection.
  loop.catch(() => {});

  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
