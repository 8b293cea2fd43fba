import { isMap, parseDocument } from 'yaml';
import { MigrateError } from '../errors.js';
import type { ConfigEdit } from './answers.js';
import { parseConfig } from './load.js';

export const DEFAULT_CONFIG_NAME = 'compose-migrate.config.yaml';

const HEADER = 'compose-migrate answers: the next run asks none of these questions again.';

/**
 * The config text with the edits merged in. YAML goes through the Document API so the user's
 * comments, key order and quoting survive; JSON is re-serialised (it has no comments to keep). The
 * result is parsed back with the loader's own rules, so a text that would not load is never returned.
 */
export function mergeConfigText(path: string, existing: string | undefined, edits: ConfigEdit[]): string {
  const text = path.endsWith('.json') ? mergeJson(path, existing, edits) : mergeYaml(path, existing, edits);
  parseConfig(path, text);
  return text;
}

function mergeYaml(path: string, existing: string | undefined, edits: ConfigEdit[]): string {
  const doc = parseDocument(existing ?? '', { uniqueKeys: true });
  if (doc.errors.length)
    throw new MigrateError(
      'config-invalid',
      `cannot merge answers: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`,
      { file: path },
    );
  if (doc.contents !== null && !isMap(doc.contents))
    throw new MigrateError('config-invalid', 'the config must be a mapping', { file: path, line: 1, col: 1 });
  if (existing === undefined || existing.trim() === '') doc.commentBefore = ` ${HEADER}`;
  for (const edit of edits) {
    // A mapping the user wrote as `peers: {}` or `environments: null` is replaced by the edit's parent.
    const parent = edit.path.slice(0, -1);
    if (parent.length > 0 && !isMap(doc.getIn(parent, true))) doc.setIn(parent, doc.createNode({}));
    doc.setIn(edit.path, doc.createNode(edit.value, { flow: Array.isArray(edit.value) }));
  }
  return doc.toString();
}

function mergeJson(path: string, existing: string | undefined, edits: ConfigEdit[]): string {
  let root: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    const value: unknown = JSON.parse(existing);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MigrateError('config-invalid', 'the config must be a mapping', {
        file: path,
        line: 1,
        col: 1,
      });
    }
    root = value as Record<string, unknown>;
  }
  for (const { path: keys, value } of edits) {
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = value;
  }
  return JSON.stringify(root, null, 2) + '\n';
}
