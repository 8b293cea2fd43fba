import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildPlan } from '../../src/generate/build-plan.js';
import { toPlanJson } from '../../src/plan/render/json.js';
import { renderMermaid } from '../../src/plan/render/mermaid.js';
import { makeStyle } from '../../src/plan/render/style.js';
import { renderText } from '../../src/plan/render/text.js';
import { DiskSnapshot } from '../../src/repo/disk.js';

// Golden files for rendered output. Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
function matchGolden(name: string, actual: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden(name), actual);
  expect(actual).toBe(readFileSync(golden(name), 'utf8'));
}

describe('rendered plan of the lumiere fixture', async () => {
  const snapshot = new DiskSnapshot(fileURLToPath(new URL('../../fixtures/lumiere', import.meta.url)));
  const plan = await buildPlan({ snapshot, loaded: loadConfig(snapshot) });

  it('text (no colour), with diffs', () => {
    matchGolden('lumiere.plan.txt', renderText(plan, { style: makeStyle(false), diffs: true }));
  });

  it('Mermaid graph', () => {
    matchGolden('lumiere.graph.mmd', renderMermaid(plan));
  });

  it('JSON (version-independent)', () => {
    const json = { ...toPlanJson(plan), tool: { name: 'compose-migrate', version: '<version>' } };
    matchGolden('lumiere.plan.json', JSON.stringify(json, null, 2) + '\n');
  });

  it('colour only when asked', () => {
    const ESC = String.fromCharCode(27);
    expect(renderText(plan, { style: makeStyle(false), diffs: true })).not.toContain(ESC);
    expect(renderText(plan, { style: makeStyle(true), diffs: true })).toContain(`${ESC}[`);
  });
});
