import { describe, expect, it } from 'vitest';
import { loadPython, parsePython, parsePythonAhead } from '../../transforms/lib/python.js';

/** A parse started ahead on the thread pool gives the tree a parse on demand gives. */
describe('Python parsed ahead', () => {
  const source = 'import os\n\ndef needs_docker(component, category):\n    return category != "unit"\n';

  it('hands parsePython the same tree as a synchronous parse', async () => {
    parsePythonAhead(source);
    const ahead = await parsePython(source);
    const napi = await loadPython();
    const direct = napi.parse('python', source).root();
    const shape = (n: typeof direct): string[] =>
      n.findAll({ rule: { kind: 'identifier' } }).map((x) => `${x.range().start.index}:${x.text()}`);
    expect(ahead.text()).toBe(direct.text());
    expect(shape(ahead)).toEqual(shape(direct));
    expect(shape(ahead)).toContain('15:needs_docker');
  });

  it('parses a text it was not given ahead (a rewrite) into the tree a synchronous parse gives', async () => {
    const fresh = `${source}\ndef use_docker(component, category):\n    return True\n`;
    const tree = await parsePython(fresh);
    const napi = await loadPython();
    const direct = napi.parse('python', fresh).root();
    const shape = (n: typeof direct): string[] =>
      n.findAll({ rule: { kind: 'identifier' } }).map((x) => `${x.range().start.index}:${x.text()}`);
    expect(tree.text()).toBe(fresh);
    expect(shape(tree)).toEqual(shape(direct));
    expect(await parsePython(fresh)).toBe(tree);
  });

  it('reports invalid Python the same way', async () => {
    const bad = 'x = (\n';
    parsePythonAhead(bad);
    const tree = await parsePython(bad);
    expect(tree.find({ rule: { kind: 'ERROR' } })).not.toBeNull();
  });
});
