import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cliProcess as cli,
  ensureBuilt,
  makeRepo,
  readText,
  type TestRepo,
} from '../helpers/cli.js';

const hasMake = spawnSync('make', ['--version']).status === 0;
let repo: TestRepo;

beforeAll(() => {
  ensureBuilt();
  repo = makeRepo('runner-orchestrator');
  const r = cli(repo.dir, ['apply', '--all', '--yes']);
  expect(r.code).toBe(0);
});
afterAll(() => cleanupRepos());

describe('apply on an orchestrator that picks executors by category, with a test-runner container', () => {
  it('the orchestrator chooses per component and the stack looks up the component file; both compile', () => {
    const coordinator = readText(repo.dir, 'suite/src/suite/coordinator.py');
    expect(coordinator).toContain(
      'def choose_executor(self, category: str, component: Optional[str] = None):',
    );
    expect(coordinator).toContain('executor = self.choose_executor(category, component=component_name)');
    expect(coordinator).toContain(
      'return (self.project_root / component_name / "docker-compose.test.yaml").exists()',
    );
    const stack = readText(repo.dir, 'suite/src/suite/stack.py');
    expect(stack).toContain('compose_file = self.project_root / component / "docker-compose.test.yaml"');
    execFileSync(
      'python3',
      ['-m', 'py_compile', 'suite/src/suite/coordinator.py', 'suite/src/suite/stack.py'],
      {
        cwd: repo.dir,
      },
    );
  });

  it('the command lines are rewritten per environment, COMPOSE_FILE included', () => {
    expect(readText(repo.dir, 'scripts/ci-up.sh')).toContain(
      'docker compose -f billing/docker-compose.test.yaml up -d --wait',
    );
    expect(readText(repo.dir, 'scripts/up.sh')).toContain(
      'docker compose -f billing/docker-compose.yaml up -d',
    );
    expect(readText(repo.dir, 'Makefile')).toContain('up:\n\t$(MAKE) -C billing dev\n');
  });

  it.skipIf(!hasMake)(
    'make test runs the tests in the runner container; the host component says what it has',
    () => {
      const dry = spawnSync('make', ['-n', 'test'], { cwd: join(repo.dir, 'billing'), encoding: 'utf8' });
      expect(dry.stdout).toContain(
        "docker compose -f 'docker-compose.test.yaml' exec -T 'billing-tests' pytest",
      );
      const down = spawnSync('make', ['-s', 'down'], { cwd: join(repo.dir, 'notifier'), encoding: 'utf8' });
      expect(down).toMatchObject({ status: 0, stdout: 'notifier runs on the host: no containers to stop\n' });
    },
  );

  it('plan after apply lists no generated file as a reference', () => {
    const plan = JSON.parse(cli(repo.dir, ['plan', '--json']).stdout) as { references: { file: string }[] };
    expect(plan.references.filter((r) => /(^|\/)(Makefile|compose\.mk)$/.test(r.file))).toEqual([]);
  });
});
