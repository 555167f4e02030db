/**
 * Docker's `.dockerignore` rules (moby/patternmatcher): one pattern per line, `#` comments, `!` re-includes,
 * `*` and `?` within one path component, `**` across components, patterns relative to the context root
 * (a leading `/` changes nothing), and a pattern that matches a directory excludes everything below it.
 * The last matching pattern wins.
 */

interface Pattern {
  exclusion: boolean;
  regex: RegExp;
}

export interface DockerIgnore {
  /** True when `path` (relative to the context, `/`-separated) is left out of the build context. */
  ignores(path: string): boolean;
  /** True when some `!` pattern could re-include something, so excluded directories must still be walked. */
  readonly hasExceptions: boolean;
}

export function parseDockerIgnore(text: string): DockerIgnore {
  const patterns: Pattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    const cleaned = cleanPath(line);
    if (cleaned === '') continue;
    patterns.push({ exclusion, regex: compile(cleaned) });
  }
  return {
    hasExceptions: patterns.some((pattern) => pattern.exclusion),
    ignores: (path) => matchesOrParentMatches(patterns, cleanPath(path)),
  };
}

/** Like Go's filepath.Clean on a relative path, also dropping a leading `/`. */
function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function escapeRegex(ch: string): string {
  return /[.+()|{}^$[\]\\]/.test(ch) ? `\\${ch}` : ch;
}

function compile(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` is `**`: the slash is part of what it matches.
        if (pattern[i + 1] === '/') i++;
        source += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeRegex(pattern[i]!);
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) {
        source += '\\[';
      } else {
        let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body}]`;
        i = end;
      }
    } else {
      source += escapeRegex(ch);
    }
  }
  return new RegExp(`${source}$`);
}

function matchesOrParentMatches(patterns: readonly Pattern[], file: string): boolean {
  const parents = file.split('/').slice(0, -1);
  let matched = false;
  for (const pattern of patterns) {
    // An exception only matters once something matched; a plain pattern only while nothing has.
    if (pattern.exclusion !== matched) continue;
    let match = pattern.regex.test(file);
    for (let i = 1; !match && i <= parents.length; i++) {
      match = pattern.regex.test(parents.slice(0, i).join('/'));
    }
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}
