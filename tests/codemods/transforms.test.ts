import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ComposeTransformOptions, SiteReport, TransformFile } from '../../transforms/lib/options.js';

const dir = join(import.meta.dirname, '../../transforms/__testfixtures__');
type Transform = (
  file: TransformFile,
  api: { report: (s: SiteReport) => void },
  o: ComposeTransformOptions,
) => Promise<string | null | undefined>;

import composePath from '../../transforms/compose-path.js';
import composePathPy from '../../transforms/compose-path-py.js';
import needsDocker from '../../transforms/needs-docker.js';
import needsDockerPy from '../../transforms/needs-docker-py.js';
import { isCandidate } from '../../transforms/lib/py-executor-selector.js';

const TRANSFORMS: Record<string, Transform> = {
  'compose-path': composePath,
  'compose-path-py': composePathPy,
  'needs-docker': needsDocker,
  'needs-docker-py': needsDockerPy,
};

async function load(name: string): Promise<Transform> {
  const t = TRANSFORMS[name];
  if (!t) throw new Error(`no transform ${name}`);
  return t;
}

function optionsFor(file: string): ComposeTransformOptions {
  const name = file.endsWith('.py') ? 'docker-compose.test.yaml' : 'docker-compose.test.yml';
  return { rootFiles: [{ name, componentFile: name, fallbacks: [`todo/${name}`] }], componentDirs: {} };
}

async function run(transform: string, file: string, source: string) {
  const reports: SiteReport[] = [];
  const out = await (
    await load(transform)
  )({ path: file, source }, { report: (r) => reports.push(r) }, optionsFor(file));
  return { out, reports, text: typeof out === 'string' ? out : source };
}

function assertParses(file: string, text: string): void {
  if (file.endsWith('.py')) {
    execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: text });
  } else {
    const r = ts.transpileModule(text, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext },
    });
    expect(r.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) ?? []).toEqual([]);
  }
}

const inputs = readdirSync(dir).filter((f) => f.includes('.input.'));

describe('transform fixtures', () => {
  it('covers every case the layout promises', () => {
    for (const c of ['class', 'constant', 'function', 'unchanged', 'untraceable']) {
      expect(inputs).toContain(`compose-path.${c}.input.ts`);
      expect(inputs).toContain(`compose-path-py.${c}.input.py`);
    }
    expect(inputs).toContain('compose-path.template.input.ts');
    expect(inputs).toContain('compose-path-py.fstring.input.py');
  });

  for (const input of inputs) {
    const transform = input.split('.')[0]!;
    const output = input.replace('.input.', '.output.');
    it(`${input}: output matches byte for byte, parses, and is a fixed point`, async () => {
      const source = readFileSync(join(dir, input), 'utf8');
      const expected = readFileSync(join(dir, output), 'utf8');
      const first = await run(transform, input, source);
      expect(first.text).toBe(expected);
      assertParses(input, first.text);
      const second = await run(transform, input, first.text);
      expect(second.text).toBe(first.text);
      if (first.out !== null) expect(second.out ?? first.text).toBe(first.text);
    });
  }

  it('leaves an untraceable path unchanged and reports it with its line', async () => {
    for (const f of ['compose-path.untraceable.input.ts', 'compose-path-py.untraceable.input.py']) {
      const source = readFileSync(join(dir, f), 'utf8');
      const r = await run(f.startsWith('compose-path-py') ? 'compose-path-py' : 'compose-path', f, source);
      expect(r.out).toBeNull();
      expect(r.reports).toHaveLength(1);
      const line = source.split('\n')[r.reports[0]!.line - 1]!;
      expect(line).toMatch(/docker-compose\.test\.ya?ml/);
    }
  });

  it('returns undefined (unmodified) for files with nothing to change', async () => {
    for (const f of ['compose-path.unchanged.input.ts', 'compose-path-py.unchanged.input.py']) {
      const r = await run(
        f.startsWith('compose-path-py') ? 'compose-path-py' : 'compose-path',
        f,
        readFileSync(join(dir, f), 'utf8'),
      );
      expect(r.out).toBeUndefined();
      expect(r.reports).toEqual([]);
    }
  });

  it('never half-rewrites: one untraceable site keeps the traceable ones unchanged too', async () => {
    const src = [
      'import os',
      '',
      'def a(root, component):',
      '    return os.path.join(root, "docker-compose.test.yaml")',
      '',
      'def b(root):',
      '    return os.path.join(root, "docker-compose.test.yaml")',
      '',
    ].join('\n');
    const r = await run('compose-path-py', 'x.py', src);
    expect(r.out).toBeNull();
    expect(r.reports.map((x) => x.line)).toEqual([7]);
  });

  it('generated Python helper behaves: component file first, then root with a warning, else None', async () => {
    const src = readFileSync(join(dir, 'compose-path-py.function.output.py'), 'utf8');
    const script = `${src}
import tempfile, pathlib, warnings as w
d = tempfile.mkdtemp()
print(_get_compose_file_path(d, "api"))
pathlib.Path(d, "docker-compose.test.yaml").write_text("services: {}")
with w.catch_warnings(record=True) as caught:
    w.simplefilter("always")
    print(os.path.relpath(_get_compose_file_path(d, "api"), d), len(caught))
pathlib.Path(d, "api").mkdir()
pathlib.Path(d, "api", "docker-compose.test.yaml").write_text("services: {}")
print(os.path.relpath(_get_compose_file_path(d, "api"), d))
`;
    const out = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    expect(out).toEqual(['None', 'docker-compose.test.yaml 1', 'api/docker-compose.test.yaml']);
  });

  it('an executor picked by category alone becomes a per-component choice, callers threaded', async () => {
    const src = readFileSync(join(dir, 'needs-docker-py.selector.input.py'), 'utf8');
    const r = await run('needs-docker-py', 'needs-docker-py.selector.input.py', src);
    // The caller without a component keeps working and is listed with its line.
    expect(r.reports).toHaveLength(1);
    expect(src.split('\n')[r.reports[0]!.line - 1]).toContain('self.pick_runner("integration").prepare()');
    expect(r.reports[0]!.message).toContain('no component in scope');
    const script = `import sys, types, tempfile, pathlib
for mod, cls in (("suiterun.local", "LocalRunner"), ("suiterun.containers", "ContainerRunner")):
    m = types.ModuleType(mod)
    setattr(m, cls, type(cls, (), {"__init__": lambda self, *a: None}))
    sys.modules[mod] = m
sys.modules["suiterun"] = types.ModuleType("suiterun")
${r.text}
d = tempfile.mkdtemp()
pathlib.Path(d, "api").mkdir()
pathlib.Path(d, "api", "docker-compose.test.yaml").write_text("services: {}")
c = SuiteCoordinator(d)
name = lambda x: type(x).__name__
print(name(c.pick_runner("integration", component="api")), name(c.pick_runner("integration", component="web")),
      name(c.pick_runner("e2e", component="web")), name(c.pick_runner("unit", component="api")),
      name(c.pick_runner("integration")))
`;
    const out = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim();
    expect(out).toBe('ContainerRunner LocalRunner ContainerRunner LocalRunner ContainerRunner');
  });

  it('a runner factory that takes no category is not a selector: the file is not even parsed', async () => {
    // Not valid Python either: were it parsed, the transform would report that.
    const src = [
      'class Pool:',
      '    def make_runner(self, name, workers):',
      '        return ThreadRunner(name, workers',
      '',
    ].join('\n');
    expect(isCandidate(src)).toBe(false);
    const r = await run('needs-docker-py', 'pool.py', src);
    expect(r.out).toBeUndefined();
    expect(r.reports).toEqual([]);
    // The same text with a category parameter is a candidate, and then its syntax is checked.
    const withCategory = src.replace('name, workers', 'category, workers');
    expect(isCandidate(withCategory)).toBe(true);
    const checked = await run('needs-docker-py', 'pool.py', withCategory);
    expect(checked.out).toBeNull();
    expect(checked.reports.map((x) => x.message)).toEqual(['not valid Python; left unchanged']);
    // A Docker decider is a candidate whatever its parameters are called.
    expect(isCandidate('def needs_docker(x):\n    return True\n')).toBe(true);
  });

  it('a category counts only as a parameter: in any def, over several lines, after calls and annotations', () => {
    const factory = 'class Pool:\n    def make_runner(self, name):\n        return ThreadRunner(name)\n';
    // The word elsewhere (a call argument, a variable) names no parameter.
    expect(isCandidate(`${factory}\nrun(make_runner("x"), category)\nkind = 1\n`)).toBe(false);
    expect(isCandidate(`${factory}    def pick(self, kinds, suites):\n        return 1\n`)).toBe(false);
    for (const params of [
      'self, category',
      'self, *, test_category: Literal["unit", "e2e"]',
      '\n        self,\n        cfg: Config = Config(a=(1, 2), b=f(g(3))),\n        test_type: str = "unit",\n    ',
      'self, kind=None',
    ]) {
      // In the selector itself or in another function of the file.
      expect(isCandidate(factory.replace('self, name', params))).toBe(true);
      expect(isCandidate(`${factory}    async def choose(${params}):\n        return 1\n`)).toBe(true);
    }
  });

  it('reports each selector it cannot make per component, with its line and what to do', async () => {
    const src = readFileSync(join(dir, 'needs-docker-py.unclear.input.py'), 'utf8');
    const r = await run('needs-docker-py', 'needs-docker-py.unclear.input.py', src);
    expect(r.out).toBeNull();
    const lines = r.reports.map((x) => src.split('\n')[x.line - 1]!.trim());
    expect(lines).toEqual(['def executor_for(self, category):', 'def runner_for(category):']);
    expect(r.reports[0]!.message).toMatch(/unclear; give it a component parameter/);
    expect(r.reports[1]!.message).toMatch(/not a method; give it a component parameter/);
  });

  it('a choice among root files by variant is listed once, at its function, with its callers', async () => {
    const src = readFileSync(join(dir, 'compose-path-py.variants.input.py'), 'utf8');
    const reports: SiteReport[] = [];
    const names = ['docker-compose.test.yaml', 'docker-compose.yaml', 'docker-compose.slim-test.yaml'];
    const opts: ComposeTransformOptions = {
      rootFiles: names.slice(0, 2).map((n) => ({ name: n, componentFile: n, fallbacks: [`todo/${n}`] })),
      componentDirs: {},
    };
    const out = await composePathPy({ path: 'm.py', source: src }, { report: (r) => reports.push(r) }, opts);
    expect(out).toBeNull();
    expect(reports).toHaveLength(1);
    expect(src.split('\n')[reports[0]!.line - 1]).toContain('def _stack_file(self)');
    expect(reports[0]!.message).toContain('lines 13, 15');
    expect(reports[0]!.message).toContain('docker-compose.test.yaml -> <component>/docker-compose.test.yaml');
    expect(reports[0]!.message).toContain('with no component in scope');
    expect(reports[0]!.message).toContain('its 2 callers (lines 22, 25) must pass the component');
  });

  it('maps components whose directory is not their name', async () => {
    const src = readFileSync(join(dir, 'compose-path.function.input.ts'), 'utf8');
    const reports: SiteReport[] = [];
    const opts = { ...optionsFor('a.ts'), componentDirs: { api: 'packages/api' } };
    const out = await (
      await load('compose-path')
    )({ path: 'a.ts', source: src }, { report: (r) => reports.push(r) }, opts);
    expect(out).toContain('({ api: "packages/api" } as Record<string, string>)[component] ?? component');
    assertParses('a.ts', out as string);
  });
});
