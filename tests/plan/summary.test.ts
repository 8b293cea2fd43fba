import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/plan/render/summary.js';
import { makeStyle } from '../../src/plan/render/style.js';
import type { Change, Plan } from '../../src/plan/types.js';

/** A plan of `n` compose components with the same shape, plus one host component. */
function planOf(n: number): Plan {
  const names = Array.from({ length: n }, (_, i) => `svc${String(i).padStart(3, '0')}`);
  const changes: Change[] = names.flatMap((name) => [
    { op: 'create', path: `${name}/docker-compose.yml`, component: name, reason: 'dev compose file' },
    { op: 'create', path: `${name}/Makefile`, component: name, reason: 'Makefile' },
  ]);
  changes.push({ op: 'create', path: 'docs/Makefile', component: 'docs', reason: 'Makefile' });
  const components = [
    ...names.map((name) => ({ name, kind: 'compose', backing: { dev: ['postgres'] }, peers: {} })),
    { name: 'docs', kind: 'host', backing: {}, peers: {} },
  ];
  return {
    selected: [...names, 'docs'],
    components,
    changes,
    adjustments: [],
    findings: [],
    references: [],
  } as unknown as Plan;
}

describe('apply summary', () => {
  it('lists each component with its files when there are few', () => {
    const text = renderSummary(planOf(2), { style: makeStyle(false) });
    expect(text).toContain('svc000  compose (dev): 2 created, 0 modified, 0 moved\n');
    expect(text).toContain('svc001/docker-compose.yml');
    expect(text).toContain('docs  host-only: 1 created, 0 modified, 0 moved\n');
  });

  it('folds components whose line reads the same into one line when there are many', () => {
    const text = renderSummary(planOf(200), { style: makeStyle(false) });
    const lines = text.trimEnd().split('\n');
    expect(lines).toEqual([
      '200 components (svc000, svc001, svc002, svc003, svc004, svc005, svc006, svc007 and 192 more)  compose (dev): 2 created, 0 modified, 0 moved',
      'docs  host-only: 1 created, 0 modified, 0 moved',
      '401 changes; the full plan: compose-migrate plan --diff',
    ]);
  });
});
