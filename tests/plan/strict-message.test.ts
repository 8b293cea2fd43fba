/** The one line --strict stops with: services, then keys, at most 20 names of each. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { strictMessage } from '../../src/plan/conservation.js';

const lost = (service: string, env: string, key?: string): Finding => ({
  level: 'warning',
  code: 'not-carried',
  message: `${service} is lost`,
  service,
  env,
  ...(key ? { key } : {}),
});

describe('strictMessage', () => {
  it('says nothing when nothing is lost', () => {
    expect(strictMessage([{ level: 'info', code: 'root-env', message: 'x' }])).toBeUndefined();
  });

  it('names services, then keys of carried services', () => {
    expect(strictMessage([lost('docs', 'dev'), lost('api', 'prod', 'depends_on.config')])).toBe(
      '--strict: 1 service is not carried into any generated file: docs (dev); 1 key is dropped from carried services: api (prod) depends_on.config (see "Not carried" in the plan)',
    );
  });

  it('counts beyond 20 names instead of listing them', () => {
    const many = Array.from({ length: 25 }, (_, i) => lost(`s${i}`, 'dev'));
    const line = strictMessage(many) ?? '';
    expect(line).toMatch(/^--strict: 25 services are not carried into any generated file: s0 \(dev\), /);
    expect(line).toContain('s19 (dev) and 5 more (see');
    expect(line).not.toContain('s20 (dev)');
  });
});
