/** Human-readable figures for the pages. */

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '–' : `${Math.round(ratio * 100)} %`;
}

export function formatDuration(durationMs: number | null): string {
  if (durationMs === null) return '–';
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  const seconds = durationMs / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** "3 min ago" relative to `now`; the exact time goes in the `<time>` element's datetime. */
export function formatAge(at: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A commit as its first 12 characters, like git's short form. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}
