import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cli,
  cloneRepo,
  ensureBuilt,
  expectOneLineError,
  git,
  makeRepo,
  porcelain,
  readText,
  treeHashes,
  writeText,
  type RunResult,
  type TestRepo,
} from '../helpers/cli.js';

let base: TestRepo;
beforeAll(() => {
  ensureBuilt();
  base = makeRepo('lumiere');
});
afterAll(cleanupRepos);

/** The one JSON object a --json run writes to stderr on failure. */
function jsonError(r: RunResult): { message: string; code: string; file?: string; line?: number } {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0]!) as { error: { message: string; code: string } };
  expect(typeof parsed.error.message).toBe('string');
  expect(typeof parsed.error.code).toBe('string');
  return parsed.error;
}

describe('plan --detailed-exitcode', () => {
  it('2 while changes are pending, 0 once there is nothing to do, 1 on any error', async () => {
    const repo = cloneRepo(base);
    const pending = await cli(repo.dir, ['plan', '--component', 'pourtier', '--detailed-exitcode']);
    expect(pending.code).toBe(2);
    expect(pending.stdout).toContain('create pourtier/docker-compose.yaml');
    expect(pending.stderr).toBe('');
    expect((await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes'])).code).toBe(0);
    const done = await cli(repo.dir, ['plan', '--component', 'pourtier', '--detailed-exitcode']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('nothing to change');
    // Without the flag a pending plan is a plain success.
    expect((await cli(repo.dir, ['plan', '--component', 'passeur'])).code).toBe(0);
    // Errors, usage errors included, are 1 so that 2 keeps meaning "changes pending".
    const unknown = await cli(repo.dir, ['plan', '--component', 'nope', '--detailed-exitcode']);
    expect(unknown.code).toBe(1);
    expect(expectOneLineError(unknown)).toContain('unknown component "nope"');
    expect((await cli(repo.dir, ['plan', '--bogus', '--detailed-exitcode'])).code).toBe(1);
    writeText(repo.dir, 'docker-compose.test.yaml', 'services: [\n');
    const broken = await cli(repo.dir, ['plan', '--detailed-exitcode']);
    expect(broken.code).toBe(1);
    expect(expectOneLineError(broken)).toMatch(/^compose-migrate: docker-compose\.test\.yaml:\d+/);
  });
});

describe('apply --plan', () => {
  it('applies a saved plan without a terminal and without --yes, then refuses it as stale', async () => {
    const repo = cloneRepo(base);
    const saved = join(repo.dir, '..', 'pourtier-plan.json');
    expect((await cli(repo.dir, ['plan', '--component', 'pourtier', '--out', saved])).code).toBe(0);
    const planned = JSON.parse(readText(repo.dir, '../pourtier-plan.json')) as {
      changes: { path: string; diff?: string }[];
    };
    const r = await cli(repo.dir, ['apply', '--plan', saved]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/committed [0-9a-f]{12} compose-migrate: migrate pourtier/);
    expect(porcelain(repo.dir)).toBe('');
    // What was written is what the saved plan showed.
    const dev = planned.changes.find((c) => c.path === 'pourtier/docker-compose.yaml');
    const added = (dev?.diff ?? '')
      .split('\n')
      .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
      .map((l) => l.slice(1))
      .join('\n');
    expect(added + '\n').toBe(readText(repo.dir, 'pourtier/docker-compose.yaml'));
    // The plan's outputs now exist: the same plan is stale (exit 3), and nothing more is written.
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const again = await cli(repo.dir, ['apply', '--plan', saved]);
    expect(again.code).toBe(3);
    expect(expectOneLineError(again)).toMatch(/stale.*pourtier\/docker-compose\.yaml/);
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('the answers saved with the plan are the ones applied, not the defaults of the day', async () => {
    const repo = cloneRepo(base);
    // Answered in config when the plan was made: keep container names.
    writeText(repo.dir, 'compose-migrate.config.yaml', 'containerNames: keep\nports: keep\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'config');
    const saved = join(repo.dir, '..', 'keep-plan.json');
    expect((await cli(repo.dir, ['plan', '--component', 'pourtier', '--out', saved])).code).toBe(0);
    const r = await cli(repo.dir, ['apply', '--plan', saved]);
    expect(r.code).toBe(0);
    const dev = readText(repo.dir, 'pourtier/docker-compose.yaml');
    expect(dev).toContain('container_name: lumiere-postgres-dev');
    expect(dev).not.toContain('pourtier-postgres-dev');
  });

  it.each([
    [['--component', 'pourtier'], '--component'],
    [['--all'], '--all'],
    [['--with-peers'], '--with-peers'],
    [['--skip-codemods'], '--skip-codemods'],
    [['--no-archive'], '--no-archive'],
  ])('with %j is a usage error (exit 2), never silently ignored', async (extra, flag) => {
    const repo = cloneRepo(base);
    const saved = join(repo.dir, '..', 'p.json');
    expect((await cli(repo.dir, ['plan', '--component', 'pourtier', '--out', saved])).code).toBe(0);
    const before = treeHashes(repo.dir);
    const r = await cli(repo.dir, ['apply', '--plan', saved, ...extra]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain(flag);
    expect(treeHashes(repo.dir)).toEqual(before);
  });

  it('an unreadable or foreign plan file is a usage error (exit 2); an edited plan is refused (exit 3)', async () => {
    const repo = cloneRepo(base);
    const missing = await cli(repo.dir, ['apply', '--plan', 'nowhere.json']);
    expect(missing.code).toBe(2);
    expect(expectOneLineError(missing)).toContain('cannot read saved plan nowhere.json');
    writeText(repo.dir, '../other.json', '{"schemaVersion":1}');
    const foreign = await cli(repo.dir, ['apply', '--plan', '../other.json']);
    expect(foreign.code).toBe(2);
    expect(expectOneLineError(foreign)).toMatch(/not a (usable )?saved plan/);

    const saved = join(repo.dir, '..', 'p.json');
    expect((await cli(repo.dir, ['plan', '--component', 'pourtier', '--out', saved])).code).toBe(0);
    const doc = JSON.parse(readText(repo.dir, '../p.json')) as { changes: { path: string; diff?: string }[] };
    const dev = doc.changes.find((c) => c.path === 'pourtier/docker-compose.yaml')!;
    dev.diff = dev.diff!.replace('+services:', '+services: # reviewed');
    writeText(repo.dir, '../p.json', JSON.stringify(doc));
    const before = treeHashes(repo.dir);
    const edited = await cli(repo.dir, ['apply', '--plan', saved]);
    expect(edited.code).toBe(3);
    expect(expectOneLineError(edited)).toContain('pourtier/docker-compose.yaml would write other content');
    expect(treeHashes(repo.dir)).toEqual(before);
  });
});

describe('show', () => {
  it('prints a saved plan as plan printed it, with --diff its diffs, and with --json the document', async () => {
    const repo = cloneRepo(base);
    const saved = join(repo.dir, '..', 'p.json');
    const planned = await cli(repo.dir, ['plan', '--component', 'pourtier', '--out', saved]);
    const shown = await cli(repo.dir, ['show', saved]);
    expect(shown.code).toBe(0);
    const [header, ...rest] = shown.stdout.split('\n\n');
    expect(header).toMatch(/^Saved plan .*p\.json \(compose-migrate \d+\.\d+\.\d+\): pourtier$/);
    expect(rest.join('\n\n')).toBe(planned.stdout);
    const withDiff = await cli(repo.dir, ['show', saved, '--diff']);
    expect(withDiff.stdout).toMatch(/^\+\+\+ b\/pourtier\/docker-compose\.yaml$/m);
    const json = await cli(repo.dir, ['show', saved, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(readText(repo.dir, '../p.json')));
    const missing = await cli(repo.dir, ['show', 'nowhere.json']);
    expect(missing.code).toBe(2);
    expect(jsonError(await cli(repo.dir, ['show', 'nowhere.json', '--json'])).code).toBe('usage');
  });
});

describe('--json', () => {
  it('errors are one JSON object on stderr, with file and line where there is a place', async () => {
    const repo = cloneRepo(base);
    const unknown = await cli(repo.dir, ['plan', '--json', '--component', 'pourtire']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(jsonError(unknown)).toEqual({
      message: 'unknown component "pourtire"; did you mean pourtier?',
      code: 'usage',
    });
    const flag = await cli(repo.dir, ['plan', '--json', '--bogus']);
    expect(flag.code).toBe(2);
    expect(jsonError(flag).message).toContain('--bogus');
    writeText(repo.dir, 'docker-compose.test.yaml', 'services:\n  a: [\n');
    const broken = await cli(repo.dir, ['plan', '--json']);
    expect(broken.code).toBe(1);
    const e = jsonError(broken);
    expect(e.file).toBe('docker-compose.test.yaml');
    expect(e.line).toBeGreaterThan(0);
    expect(jsonError(await cli(repo.dir, ['status', '--json'])).file).toBe('docker-compose.test.yaml');
  });

  it('plan --json --diff carries each change’s unified diff; plain --json does not', async () => {
    const repo = cloneRepo(base);
    type Doc = { changes: { op: string; path: string; diff?: string }[] };
    const plain = JSON.parse(
      (await cli(repo.dir, ['plan', '--json', '--component', 'pourtier'])).stdout,
    ) as Doc;
    expect(plain.changes.every((c) => c.diff === undefined)).toBe(true);
    const withDiff = JSON.parse(
      (await cli(repo.dir, ['plan', '--json', '--diff', '--component', 'pourtier'])).stdout,
    ) as Doc;
    expect(withDiff.changes.map((c) => c.path)).toEqual(plain.changes.map((c) => c.path));
    for (const c of withDiff.changes) {
      if (c.op === 'move') expect(c.diff).toMatch(/^rename /);
      else expect(c.diff).toContain(`+++ b/${c.path}`);
    }
    expect(withDiff.changes.find((c) => c.path === 'pourtier/docker-compose.yaml')?.diff).toMatch(
      /^\+services:$/m,
    );
  });
});

describe('component names', () => {
  it.each([['plan'], ['apply'], ['verify'], ['rollback']])(
    '%s --component with a typo suggests the name and exits 2, writing nothing',
    async (command) => {
      const repo = cloneRepo(base);
      const before = treeHashes(repo.dir);
      const r = await cli(repo.dir, [
        command,
        '--component',
        'pourtire',
        ...(command === 'apply' ? ['--yes'] : []),
      ]);
      expect(r.code).toBe(2);
      expect(expectOneLineError(r)).toBe(
        'compose-migrate: unknown component "pourtire"; did you mean pourtier?',
      );
      expect(treeHashes(repo.dir)).toEqual(before);
    },
  );

  it('a name close to nothing lists the components', async () => {
    const r = await cli(base.dir, ['verify', '--component', 'zzz']);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain('components: courier, passeur, pourtier');
  });

  it('rollback of a known component with nothing migrated is not an error', async () => {
    const r = await cli(base.dir, ['rollback', '--component', 'courier']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('nothing to roll back for courier\n');
  });
});

describe('decisions: only the selected components, each choice explained', () => {
  it('a component no decision touches is not asked about another component’s container names', async () => {
    const courier = await cli(base.dir, ['apply', '--component', 'courier']);
    expect(courier.code).toBe(3);
    expect(courier.stderr).not.toContain('containerNames');
    const pourtier = await cli(base.dir, ['apply', '--component', 'pourtier']);
    expect(pourtier.code).toBe(3);
    expect(pourtier.stderr).toContain('containerNames: scope');
  });

  it('each decision says what every choice does; a peer’s "no" quotes the address that stops resolving', async () => {
    type Doc = {
      findings: {
        code: string;
        decision?: { choices: string[]; effects?: Record<string, string>; concerns?: string[] };
      }[];
    };
    const doc = JSON.parse((await cli(base.dir, ['plan', '--json'])).stdout) as Doc;
    const decisions = doc.findings.flatMap((f) => (f.decision ? [{ code: f.code, d: f.decision }] : []));
    expect(decisions.length).toBeGreaterThan(0);
    for (const { d } of decisions) expect(Object.keys(d.effects ?? {}).sort()).toEqual([...d.choices].sort());
    const peer = decisions.find((x) => x.code === 'peer-dependency')!.d;
    expect(peer.effects!['no']).toContain('POURTIER_URL=http://pourtier:8000');
    expect(peer.effects!['no']).toContain('no longer resolves');
    const names = decisions.find((x) => x.code === 'container-name-repeat')!.d;
    expect(names.concerns).toEqual(['passeur', 'pourtier']);
  });
});

describe('closing summary', () => {
  it('apply --yes says which defaults it took; no progress lines off a terminal', async () => {
    const repo = cloneRepo(base);
    const r = await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^committed [0-9a-f]{12} compose-migrate: migrate pourtier$/m);
    expect(r.stdout).toMatch(/^done: 1 component migrated in 1 commit, 6 file changes, [\d.]+ s;/m);
    expect(r.stdout).toMatch(
      /--yes took the plan's default for these decisions:\n {2}ports: shift \(2 findings\)/,
    );
    expect(r.stdout).toContain('  containerNames: scope');
    const back = await cli(repo.dir, ['rollback', '--yes']);
    expect(back.code).toBe(0);
    expect(back.stderr).toBe('');
    expect(back.stdout).toMatch(/^done: pourtier rolled back in 1 commit, [\d.]+ s$/m);
  });
});

describe('pinned volume names do not depend on the checkout folder', () => {
  it('without a root name: the pin reads ROOT_COMPOSE_PROJECT with the old folder name as default', async () => {
    const repo = cloneRepo(base);
    expect((await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes'])).code).toBe(0);
    const dev = readText(repo.dir, 'pourtier/docker-compose.yaml');
    expect(dev).toMatch(/^ {4}name: \$\{ROOT_COMPOSE_PROJECT:-lumiere\}_postgres_dev_data$/m);
    const plan = (await cli(base.dir, ['plan', '--component', 'pourtier'])).stdout;
    expect(plan).toContain('sets ROOT_COMPOSE_PROJECT=<that folder');
    expect((await cli(repo.dir, ['verify'])).code).toBe(0);

    // The same commits checked out under another folder name.
    const other = join(repo.dir, '..', 'elsewhere');
    git(repo.dir, 'clone', '-q', repo.dir, other);
    const moved = await cli(other, ['verify']);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(
      /volumes\.postgres_dev_data\.name: original "elsewhere_postgres_dev_data", generated "lumiere_postgres_dev_data"/,
    );
    expect(moved.stdout).toContain('set ROOT_COMPOSE_PROJECT=<this folder');
    const kept = await cli(other, ['verify'], { env: { ROOT_COMPOSE_PROJECT: 'elsewhere' } });
    expect(kept.stdout).toContain('no unexplained differences');
    expect(kept.code).toBe(0);
  });

  it('with a root name: the pin is that name, the same in every clone', async () => {
    const repo = cloneRepo(base);
    for (const f of [
      'docker-compose.development.yaml',
      'docker-compose.test.yaml',
      'docker-compose.production.yaml',
    ])
      writeText(repo.dir, f, `name: lumiere\n${readText(repo.dir, f)}`);
    git(repo.dir, 'commit', '-qam', 'explicit project name');
    expect((await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes'])).code).toBe(0);
    const dev = readText(repo.dir, 'pourtier/docker-compose.yaml');
    expect(dev).toMatch(/^ {4}name: lumiere_postgres_dev_data$/m);
    expect(dev).not.toContain('ROOT_COMPOSE_PROJECT');
    const other = join(repo.dir, '..', 'elsewhere2');
    git(repo.dir, 'clone', '-q', repo.dir, other);
    expect((await cli(other, ['verify'])).code).toBe(0);
  });
});

describe('rewritten root targets keep the plan’s own rules', () => {
  it('a root command that would start two stacks sharing a pinned volume is left to the user; down is still split', async () => {
    type Doc = {
      changes: { path: string; diff?: string }[];
      references: { file: string; line: number; action: string; note?: string }[];
    };
    const doc = JSON.parse((await cli(base.dir, ['plan', '--json', '--diff'])).stdout) as Doc;
    const makefile = doc.changes.find((c) => c.path === 'Makefile')!.diff!;
    expect(makefile).not.toMatch(/^\+.*-C passeur dev/m);
    expect(makefile).not.toMatch(/^\+.*-C pourtier dev/m);
    expect(makefile).toMatch(/^\+\t\$\(MAKE\) -C passeur down$/m);
    expect(makefile).toMatch(/^\+\t\$\(MAKE\) -C pourtier down$/m);
    const left = doc.references.find((r) => r.file === 'Makefile' && r.line === 4);
    expect(left?.action).toBe('report');
    expect(left?.note).toMatch(
      /passeur and pourtier together.*share volume .*postgres_dev_data \(volume-shared\)/,
    );
  });
});
