import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline's layering, checked on the import graph of src/: a folder may import its own rank or
 * lower, never higher, and folders never import each other in a cycle.
 *
 * - src/*.ts files (model, errors, version) are the leaf: they import nothing from src/.
 * - config/ sits above analysis/ and below plan/: it reads and writes the answers to the decisions
 *   analysis raises (so it needs analysis's vocabulary), and plan/generate read the configuration.
 *   Analysis sees the configuration only through the types in src/model.ts.
 * - codemods/ produces changes like generate/ does and is driven by it, so it sits just below.
 * - apply/, git/ and verify/ are the stages after generation; none of them may import another's
 *   folder in a cycle, and verify never imports apply (it runs without writing anything).
 */
const RANK: Record<string, number> = {
  '.': 0,
  repo: 1,
  compose: 2,
  analysis: 3,
  config: 4,
  plan: 5,
  codemods: 6,
  generate: 7,
  apply: 8,
  git: 8,
  verify: 8,
  cli: 9,
};

/** Pairs allowed by rank that the design still forbids. */
const FORBIDDEN: [from: string, to: string][] = [['verify', 'apply']];

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const folderOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
};

/** Static imports, re-exports and dynamic imports of relative modules that resolve inside src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
    if (!relative(SRC, target).startsWith('..')) out.push(target);
  }
  return out;
}

const edges = sourceFiles(SRC).flatMap((file) =>
  importsOf(file).map((target) => ({
    file: relative(SRC, file),
    from: folderOf(file),
    to: folderOf(target),
  })),
);

describe('source layering', () => {
  it('finds the imports it checks', () => {
    expect(edges.some((e) => e.from === 'generate' && e.to === 'compose')).toBe(true);
    expect(edges.some((e) => e.from === 'cli' && e.to === 'generate')).toBe(true);
    expect(Object.keys(RANK).sort()).toEqual([...new Set(sourceFiles(SRC).map(folderOf))].sort());
  });

  it('no folder imports a folder above it', () => {
    const upward = edges
      .filter((e) => RANK[e.to]! > RANK[e.from]!)
      .map((e) => `${e.file} imports ${e.to}/ (${e.from} is below ${e.to})`);
    expect(upward).toEqual([]);
  });

  it('forbidden pairs stay apart', () => {
    const bad = edges
      .filter((e) => FORBIDDEN.some(([from, to]) => e.from === from && e.to === to))
      .map((e) => `${e.file} imports ${e.to}/`);
    expect(bad).toEqual([]);
  });

  it('the leaf modules import nothing from src/', () => {
    expect(edges.filter((e) => e.from === '.').map((e) => e.file)).toEqual([]);
  });

  it('no import cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) if (e.from !== e.to) graph.set(e.from, (graph.get(e.from) ?? new Set()).add(e.to));
    const cycles: string[] = [];
    const walk = (node: string, path: string[]): void => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      for (const next of graph.get(node) ?? []) walk(next, [...path, node]);
    };
    for (const start of graph.keys()) walk(start, []);
    expect(cycles).toEqual([]);
  });
});
