import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar } from 'yaml';
import { isMigrateError } from '../errors.js';
import { docNodePos, parseComposeFile } from './parse.js';
import type { ComposeFile, YamlValue } from './types.js';
import { toValue, unwrapTags } from './value.js';

/**
 * Compose Specification JSON-schema validation for generated files. ajv is loaded on first use (only
 * apply needs it); the schema is the maintained one vendored in schema/compose.schema.json (see
 * schema/README.md for its origin and version).
 */

export interface SchemaIssue {
  file: string;
  line?: number;
  col?: number;
  message: string;
}

type JsonObject = Record<string, unknown>;

const require = createRequire(import.meta.url);

/** The package root: schema/ sits beside src/ (and beside dist/src/ after a build). */
function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'schema', 'compose.schema.json');
    try {
      require.resolve(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('schema/compose.schema.json not found');
}

/** The Compose Specification schema; exported for tests. */
export async function composeSchema(): Promise<JsonObject> {
  const schema = JSON.parse(await readFile(schemaPath(), 'utf8')) as JsonObject;
  // ajv knows draft-07 by its canonical http URI; the file spells it with https.
  delete schema.$schema;
  return schema;
}

let validator: Promise<ValidateFunction> | undefined;

async function compile(): Promise<ValidateFunction> {
  type AjvCtor = new (opts: Record<string, unknown>) => { compile(schema: object): ValidateFunction };
  const mod = (await import('ajv')) as unknown as { default: AjvCtor & { default?: AjvCtor } };
  // CommonJS interop: the class is the module's default export, or the default of that.
  const Ajv = mod.default.default ?? mod.default;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(await composeSchema());
}

function getValidator(): Promise<ValidateFunction> {
  validator ??= compile();
  return validator;
}

function describe(err: ErrorObject): string {
  const where = err.instancePath === '' ? 'top level' : err.instancePath.slice(1).replace(/\//g, '.');
  if (err.keyword === 'additionalProperties') {
    return `${where}: unknown key '${String((err.params as { additionalProperty?: string }).additionalProperty)}'`;
  }
  return `${where}: ${err.message ?? 'invalid'}`;
}

/** The deepest node along an instance path that the document can still resolve (aliases and merges may hide the rest). */
function unknownKey(e: ErrorObject): string | undefined {
  return e.keyword === 'additionalProperties'
    ? (e.params as { additionalProperty?: string }).additionalProperty
    : undefined;
}

function issueAt(file: ComposeFile, instancePath: string, key?: string): { line: number; col: number } {
  const segs = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (key !== undefined) {
    // Point at the offending key itself rather than at its parent mapping.
    const parent = file.doc.getIn(segs, true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key)) {
        const { line, col } = docNodePos(file, pair.key);
        return { line, col };
      }
    }
  }
  for (let n = segs.length; n >= 0; n--) {
    const node = file.doc.getIn(segs.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node) {
      const { line, col } = docNodePos(file, node as Parameters<typeof docNodePos>[1]);
      return { line, col };
    }
  }
  return { line: 1, col: 1 };
}

const BRANCH_NOISE = new Set(['oneOf', 'anyOf', 'type', 'required']);

/**
 * oneOf failures report every branch; keep the most specific messages (the longest instance path)
 * and drop the generic "must match exactly one schema" noise when something deeper explains it.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const deepest = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = deepest.get(e.instancePath) ?? [];
    list.push(e);
    deepest.set(e.instancePath, list);
  }
  const paths = [...deepest.keys()];
  const out: ErrorObject[] = [];
  for (const [path, list] of deepest) {
    const hasDeeper = paths.some((p) => p !== path && p.startsWith(`${path}/`));
    // A failed oneOf branch reports a type mismatch at every level above the real problem.
    const kept = hasDeeper ? list.filter((e) => !BRANCH_NOISE.has(e.keyword)) : list;
    if (kept.length === 0) continue;
    const specific = kept.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
    const chosen = specific.length ? specific : kept;
    const seen = new Set<string>();
    for (const e of chosen) {
      const d = describe(e);
      if (!seen.has(d)) {
        seen.add(d);
        out.push(e);
      }
    }
  }
  return out;
}

/** Validate an already-converted value (tags already unwrapped), with positions from `file` when given. */
export async function validateComposeObject(
  path: string,
  value: YamlValue,
  file?: ComposeFile,
): Promise<SchemaIssue[]> {
  const validate = await getValidator();
  if (validate(value)) return [];
  return relevant(validate.errors ?? []).map((e) => {
    const issue: SchemaIssue = { file: path, message: describe(e) };
    if (file) Object.assign(issue, issueAt(file, e.instancePath, unknownKey(e)));
    return issue;
  });
}

/** Parse and validate one compose file's text; parse failures come back as a single issue. */
export async function validateComposeText(path: string, text: string): Promise<SchemaIssue[]> {
  let file: ComposeFile;
  try {
    file = parseComposeFile(path, text);
  } catch (e) {
    if (!isMigrateError(e)) throw e;
    const issue: SchemaIssue = { file: path, message: e.message };
    if (e.location?.line !== undefined) issue.line = e.location.line;
    if (e.location?.col !== undefined) issue.col = e.location.col;
    return [issue];
  }
  return validateComposeObject(path, unwrapTags(toValue(file)), file);
}
