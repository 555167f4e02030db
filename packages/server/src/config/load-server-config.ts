import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { configIssueMessage, formatKeyPath } from './config-issue.js';
import { ServerConfigError } from './server-config-error.js';
import { type ServerConfig, ServerConfigSchema } from './server-config-schema.js';

/** Validates an already-parsed config document; `file` names it in errors. */
export function parseServerConfig(raw: unknown, file: string): ServerConfig {
  const parsed = ServerConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const more = parsed.error.issues.length - 1;
  throw new ServerConfigError('INVALID_CONFIG', {
    file,
    path: formatKeyPath(issue.path),
    detail: `${configIssueMessage(issue)}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`,
  });
}

/** Reads and validates the server config (YAML). Every problem is a ServerConfigError naming the file and key. */
export async function loadServerConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ServerConfigError('CONFIG_NOT_FOUND', {
      file: path,
      path: '(root)',
      detail: `cannot read the server config file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    });
  }
  const document = parseDocument(text, { prettyErrors: true });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const position = yamlError.linePos?.[0];
    throw new ServerConfigError('INVALID_YAML', {
      file: path,
      path: position === undefined ? '(root)' : `line ${position.line}, column ${position.col}`,
      detail: yamlError.message.split('\n')[0] ?? 'invalid YAML',
    });
  }
  return parseServerConfig(document.toJS(), path);
}
