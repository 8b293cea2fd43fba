import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { formatSummary, runCodemods } from '../../src/codemods/run.js';
import type { CodemodRun } from '../../src/codemods/types.js';
import { jsContext, lumiereContext } from './helpers.js';

const fixtures = join(import.meta.dirname, '../../fixtures');

function content(run: CodemodRun, path: string): string {
  const c = run.changes.find((x) => x.path === path);
  if (!c?.content) throw new Error(`no change for ${path}`);
  return c.content;
}

describe('runCodemods on lumiere', () => {
  it('rewrites the Python orchestrator to per-component lookups with the needs-docker check', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'lumiere')), lumiereContext(true));
    const executor = content(run, 'laborant/src/laborant/core/docker_test_executor.py');
    expect(executor).toContain(
      'def _get_compose_file_path(self, component: Optional[str]) -> Optional[Path]:',
    );
    expect(executor).toContain('self.compose_file = self._get_compose_file_path(component)');
    expect(executor).toContain('self.project_root / "todo" / "docker-compose.test-1.yaml"');
    expect(executor).not.toMatch(/self\.compose_file = project_root \/ "docker-compose\.test\.yaml"/);
    const orchestrator = content(run, 'laborant/src/laborant/core/orchestrator.py');
    expect(orchestrator).toContain('if category == "e2e":');
    expect(orchestrator).toContain(
      '(self.project_root / component_name / "docker-compose.test.yaml").exists()',
    );
    for (const c of run.changes.filter((x) => x.path.endsWith('.py'))) {
      execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: c.content });
    }
    expect(run.summary).toEqual({ ok: 2, nochange: 0, skip: 0, error: 0 });
  });

  it('rewrites the CI workflow into a block scalar and the Makefile into make -C lines when archiving', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'lumiere')), lumiereContext(true));
    const workflow = content(run, '.github/workflows/test.yml');
    const steps = (parseYaml(workflow) as { jobs: { integration: { steps: { run?: string }[] } } }).jobs
      .integration.steps;
    expect(steps[1]!.run).toBe(
      'docker compose -f pourtier/docker-compose.test.yaml --profile integration --env-file .env up -d\n' +
        'docker compose -f passeur/docker-compose.test.yaml --profile integration --env-file .env up -d\n',
    );
    expect(steps[3]!.run).toContain(
      'docker compose -f passeur/docker-compose.test.yaml --env-file .env down -v',
    );
    const makefile = content(run, 'Makefile');
    expect(makefile).toContain('dev:\n\t$(MAKE) -C pourtier dev\n\t$(MAKE) -C passeur dev\n');
    expect(makefile).toContain('test:\n\tlaborant test --all');
    const rewritten = run.references
      .filter((r) => r.action === 'rewritten')
      .map((r) => `${r.file}:${r.line}`);
    expect(rewritten).toEqual(
      expect.arrayContaining([
        '.github/workflows/test.yml:9',
        '.github/workflows/test.yml:14',
        'Makefile:4',
        'Makefile:7',
      ]),
    );
    const prose = run.references.find(
      (r) => r.file === 'docs/DOCKER_COMPOSE_USAGE.md' && r.action === 'report',
    );
    expect(prose?.line).toBe(7);
    // Files already in the archive directory are not references to rewrite.
    expect(run.references.some((r) => r.file.startsWith('todo/'))).toBe(false);
  });

  it('reports but does not rewrite command lines while the root files stay', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'lumiere')), lumiereContext(false));
    expect(run.changes.map((c) => c.path).sort()).toEqual([
      'laborant/src/laborant/core/docker_test_executor.py',
      'laborant/src/laborant/core/orchestrator.py',
    ]);
    const ci = run.references.filter((r) => r.file === '.github/workflows/test.yml');
    expect(ci.map((r) => [r.line, r.action])).toEqual([
      [9, 'report'],
      [14, 'report'],
    ]);
    expect(ci[0]!.note).toMatch(/rewritten when archived/);
    // Without an archive the helper falls back to the root file only.
    expect(content(run, 'laborant/src/laborant/core/docker_test_executor.py')).toContain(
      'for old_location in (self.project_root / "docker-compose.test.yaml",):',
    );
  });

  it('is idempotent across runs: codemods on their own output change nothing', async () => {
    const first = await runCodemods(new DiskSnapshot(join(fixtures, 'lumiere')), lumiereContext(true));
    const files: Record<string, string> = {};
    const disk = new DiskSnapshot(join(fixtures, 'lumiere'));
    for (const f of disk.files()) files[f] = disk.read(f) ?? '';
    for (const c of first.changes) files[c.path] = c.content!;
    const second = await runCodemods(new MemorySnapshot(files), lumiereContext(true));
    expect(second.changes).toEqual([]);
  });

  it('prints a jscodeshift-style summary with file:line for what is left', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'lumiere')), lumiereContext(false));
    const text = formatSummary(run);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'OKK  laborant/src/laborant/core/docker_test_executor.py (compose-path-py)',
      'OKK  laborant/src/laborant/core/orchestrator.py (needs-docker-py)',
      'Results: 2 ok, 0 nochange, 0 skip, 0 error',
    ]);
    expect(text).toContain('  .github/workflows/test.yml:9: ');
    expect(text).toContain('  docs/DOCKER_COMPOSE_USAGE.md:7: prose names a root compose file');
  });
});

describe('per-file outcomes', () => {
  it('says ok, nochange, skip with why, per file and transform, and counts them', async () => {
    const snapshot = new MemorySnapshot({
      'tools/a.py':
        'import os\n\ndef f(root, component):\n    return os.path.join(root, "docker-compose.test.yaml")\n',
      'tools/b.py': 'import os\n\ndef g(root):\n    return os.path.join(root, "docker-compose.test.yaml")\n',
      'tools/c.py': 'NAME = "see docker-compose.test.yaml for details"\n',
      'tools/d.py': 'print("no compose here")\n',
      'tools/e.py': 'x = = "docker-compose.test.yaml"\n',
    });
    const run = await runCodemods(snapshot, lumiereContext(false));
    const rows = run.outcomes.map((o) => [o.file, o.status, o.why ?? '']);
    expect(rows).toEqual([
      ['tools/a.py', 'ok', ''],
      ['tools/b.py', 'skip', expect.stringContaining('1 place left to a human, first tools/b.py:4:')],
      ['tools/c.py', 'nochange', ''],
      ['tools/e.py', 'skip', expect.stringContaining('tools/e.py:1: not valid Python')],
    ]);
    expect(run.summary).toEqual({ ok: 1, nochange: 1, skip: 2, error: 0 });
    expect(formatSummary(run).split('\n')[4]).toBe('Results: 1 ok, 1 nochange, 2 skip, 0 error');
  });
});

describe('runCodemods on js-orchestrator', () => {
  it('rewrites the TS runner and its needs-docker decision; the output parses', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'js-orchestrator')), jsContext(true));
    const executor = content(run, 'tools/test-runner/src/docker-executor.ts');
    expect(executor).toContain('this.composeFile = this.composeFileFor(component);');
    expect(executor).toContain(
      "path.join(this.root, ({ api: 'packages/api', worker: 'packages/worker', web: 'packages/web' } as Record<string, string>)[component] ?? component, 'docker-compose.test.yml')",
    );
    expect(executor).toContain("path.join(this.root, 'todo', 'docker-compose.test.yml')");
    const categories = content(run, 'tools/test-runner/src/categories.ts');
    expect(categories).toContain("if (category === 'e2e') return true;");
    expect(categories).toContain("if (!existsSync(join(root, ({ api: 'packages/api'");
    for (const c of run.changes.filter((x) => x.path.endsWith('.ts'))) {
      const out = ts.transpileModule(c.content!, { fileName: c.path, reportDiagnostics: true });
      expect(out.diagnostics ?? []).toEqual([]);
    }
    expect(run.outcomes.find((o) => o.file.endsWith('index.ts'))?.status).toBe('nochange');
  });

  it('rewrites the CI workflow and package.json scripts when archiving, keeping them valid', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'js-orchestrator')), jsContext(true));
    const ci = parseYaml(content(run, '.github/workflows/ci.yml')) as {
      jobs: { test: { steps: { run?: string }[] } };
    };
    expect(ci.jobs.test.steps[2]!.run).toBe(
      'docker compose -f packages/api/docker-compose.test.yml up -d --wait\ndocker compose -f packages/worker/docker-compose.test.yml up -d --wait\n',
    );
    const pkg = JSON.parse(content(run, 'package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['infra:down']).toBe(
      'docker compose -f packages/api/docker-compose.test.yml down -v && docker compose -f packages/worker/docker-compose.test.yml down -v',
    );
    expect(pkg.scripts['test']).toBe('node tools/test-runner/src/cli.ts');
  });

  it('reports the CI line when not archiving', async () => {
    const run = await runCodemods(new DiskSnapshot(join(fixtures, 'js-orchestrator')), jsContext(false));
    expect(run.changes.some((c) => c.path === '.github/workflows/ci.yml')).toBe(false);
    expect(
      run.references.filter((r) => r.file === '.github/workflows/ci.yml').map((r) => [r.line, r.action]),
    ).toEqual([
      [10, 'report'],
      [15, 'report'],
    ]);
  });
});
