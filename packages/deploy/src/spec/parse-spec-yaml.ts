import { parseDocument } from 'yaml';
import { SpecError } from '../errors.js';

/**
 * How many times a spec's YAML aliases may be expanded in all (yaml's `maxAliasCount`, whose default this
 * is, set here so the limit is deployer's decision). A spec has no need for many; nested aliases each
 * expanding the one before ("billion laughs") would grow a few lines into gigabytes.
 */
export const maxSpecAliasCount = 100;

/**
 * A spec file's YAML as plain data. Syntax errors name their line and column; a document whose aliases
 * would expand past `maxSpecAliasCount` is refused as bad input too. `file` is how errors name the file.
 */
export function parseSpecYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: true });
  const yamlError = document.errors[0];
  if (yamlError !== undefined) {
    const position = yamlError.linePos?.[0];
    throw new SpecError('INVALID_YAML', {
      path: position === undefined ? '(root)' : `line ${position.line}, column ${position.col}`,
      detail: yamlError.message.split('\n')[0] ?? 'invalid YAML',
      file,
    });
  }
  try {
    return document.toJS({ maxAliasCount: maxSpecAliasCount });
  } catch (cause) {
    // yaml throws a ReferenceError for too many aliases (and for an alias it cannot resolve): the
    // document is what is wrong, so it is bad input naming the file, not a failure of the run.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SpecError('INVALID_YAML', {
      path: '(root)',
      detail: /excessive alias count/i.test(reason)
        ? `YAML aliases would be expanded more than ${maxSpecAliasCount} times (nested aliases grow a document exponentially): write the values out`
        : reason,
      file,
      cause,
    });
  }
}
