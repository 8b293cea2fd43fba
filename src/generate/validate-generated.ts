import { validateComposeText, type SchemaIssue } from '../compose/validate.js';
import { interpolate } from '../compose/interpolate.js';
import type { VarSource } from '../compose/types.js';
import { MigrateError } from '../errors.js';
import type { Change } from '../plan/types.js';
import { isComposeFileName } from '../analysis/environments.js';

/**
 * Every generated compose file must satisfy the Compose Specification schema before anything is
 * written. Compose validates after interpolation, so a file that only fails while `${VAR}` stands in
 * an integer field is checked again with its variables substituted (unset ones empty, as compose does).
 */
export async function validateGenerated(changes: readonly Change[], vars: VarSource): Promise<void> {
  const problems: SchemaIssue[] = [];
  for (const c of changes) {
    if (c.op !== 'create' || c.content === undefined) continue;
    if (!isComposeFileName(c.path.slice(c.path.lastIndexOf('/') + 1))) continue;
    let issues = await validateComposeText(c.path, c.content);
    if (issues.length && c.content.includes('$')) {
      const lookup: VarSource = (name) => vars(name) ?? '';
      let substituted: string | undefined;
      try {
        substituted = interpolate(c.content, lookup);
      } catch {
        substituted = undefined;
      }
      if (substituted !== undefined) issues = await validateComposeText(c.path, substituted);
    }
    problems.push(...issues);
  }
  const first = problems[0];
  if (first) {
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more: ${problems
            .slice(1, 4)
            .map((p) => `${p.file}:${p.line ?? '?'}: ${p.message}`)
            .join('; ')})`
        : '';
    throw new MigrateError(
      'schema-invalid',
      `generated file fails the Compose Specification schema: ${first.message}${more}; nothing was written`,
      {
        file: first.file,
        ...(first.line !== undefined ? { line: first.line } : {}),
        ...(first.col !== undefined ? { col: first.col } : {}),
      },
    );
  }
}
