import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY, runInTerminal, terminalEnv } from './pty.js';
import { screenLines } from './screen.js';
import { cleanupRepos, ensureBuilt, exists, fixtureRepo, git, gitState, repoOf } from './repo.js';

beforeAll(ensureBuilt);
afterAll(cleanupRepos);

const ESC = '\x1b';

describe('apply on a terminal', () => {
  it('asks each open decision, shows a one-screen summary, the diff one key away, and commits on yes', async () => {
    const dir = fixtureRepo('lumiere');
    const before = gitState(dir);
    const cols = 100;
    // No PAGER: the default, less, is what most people get.
    const s = runInTerminal(['apply', '--component', 'pourtier'], {
      cwd: dir,
      cols,
      rows: 50,
      env: terminalEnv({ PAGER: '' }),
    });
    try {
      await s.waitFor('Shift them or keep them?');
      // The default (shift) is preselected: Enter takes it.
      s.write(KEY.enter);
      await s.waitFor('Scope, keep or drop it?');
      s.write(KEY.enter);
      const shown = await s.waitFor('and commit?');
      // Everything on the screen before the final question, prompts included, fits in 40 lines.
      const screen = screenLines(s.raw(), cols);
      expect(screen.length).toBeLessThanOrEqual(40);
      expect(shown).not.toContain('+++ b/pourtier/docker-compose.yaml');
      expect(shown).toMatch(/^pourtier {2}compose \(dev, test, prod\): 4 created, 0 modified, 0 moved$/m);
      expect(shown).toContain('+ pourtier/docker-compose.yaml');
      expect(shown).toMatch(/adjusted: .*host ports \$\{PG_PORT:-5432\}->5434, 5433->5435/);
      expect(shown).toMatch(/decided: +ports = shift/);
      expect(shown).toMatch(/decided: +containerNames = scope/);
      // One key: the coloured diff in the pager (less, the default), then the same question again.
      s.write('d');
      await s.waitFor('+++ b/pourtier/docker-compose.yaml');
      expect(s.raw()).toContain(`${ESC}[32m+`); // added lines in green
      s.write('q');
      await s.waitFor('and commit?');
      s.write('y');
      await s.waitFor('so the next run asks nothing?');
      s.write('n');
      s.write(KEY.enter);
      expect(await s.exited).toBe(0);
    } finally {
      s.kill();
    }
    const after = gitState(dir);
    expect(after.log.length).toBe(before.log.length + 1);
    expect(after.log[0]).toMatch(/pourtier/);
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Compose-Migrate-Component,valueonly)').trim()).toBe(
      'pourtier',
    );
    expect(after.status).toBe('');
    const dev = readFileSync(join(dir, 'pourtier/docker-compose.yaml'), 'utf8');
    expect(dev).toContain('pourtier-postgres-dev'); // container_name scoped, the preselected default
    expect(exists(dir, 'compose-migrate.config.yaml')).toBe(false);
  });

  it('answering no at the confirmation writes nothing', async () => {
    const dir = fixtureRepo('lumiere');
    const before = gitState(dir);
    const s = runInTerminal(['apply', '--component', 'pourtier'], { cwd: dir });
    try {
      await s.waitFor('Shift them or keep them?');
      s.write(KEY.enter);
      await s.waitFor('Scope, keep or drop it?');
      s.write(KEY.enter);
      await s.waitFor('and commit?');
      s.write('n');
      await s.waitFor('nothing was written');
      expect(await s.exited).toBe(0);
    } finally {
      s.kill();
    }
    expect(gitState(dir)).toEqual(before);
    expect(exists(dir, 'pourtier/docker-compose.yaml')).toBe(false);
  });

  it.each([
    ['a decision prompt', 'Shift them or keep them?'],
    ['the confirmation', 'and commit?'],
  ])('Ctrl-C at %s exits 130 and writes nothing', async (_what, prompt) => {
    const dir = fixtureRepo('lumiere');
    const before = gitState(dir);
    const s = runInTerminal(['apply', '--component', 'pourtier'], { cwd: dir });
    try {
      await s.waitFor('Shift them or keep them?');
      if (prompt === 'and commit?') {
        s.write(KEY.enter);
        await s.waitFor('Scope, keep or drop it?');
        s.write(KEY.enter);
        await s.waitFor(prompt);
      }
      s.write(KEY.ctrlC);
      expect(await s.exited).toBe(130);
    } finally {
      s.kill();
    }
    expect(s.text()).toContain('interrupted; nothing was written');
    expect(gitState(dir)).toEqual(before);
  });

  it('an unclassified compose file is asked with no preselection; a saved answer suppresses the prompt next time', async () => {
    const dir = fixtureRepo('infra-backend', { drop: ['compose-migrate.config.yaml'] });
    const before = gitState(dir);
    const s = runInTerminal(['apply', '--all'], { cwd: dir });
    try {
      await s.waitFor('Which environment is docker-compose.backend.yml?');
      s.write(KEY.enter); // "base", the first choice: the file's services are layered under every environment
      await s.waitFor('and commit?');
      s.write('y');
      await s.waitFor('Save these answers to compose-migrate.config.yaml');
      s.write('y');
      s.write(KEY.enter);
      await s.waitFor('answers saved to compose-migrate.config.yaml');
      expect(await s.exited).toBe(0);
    } finally {
      s.kill();
    }
    const saved = readFileSync(join(dir, 'compose-migrate.config.yaml'), 'utf8');
    expect(saved).toMatch(/environments:\n\s+docker-compose\.backend\.yml: base\n/);
    const after = gitState(dir);
    expect(after.log.length).toBeGreaterThan(before.log.length);
    // The config is the user's own file: written beside the migration, not inside its commits.
    expect(after.status).toBe('?? compose-migrate.config.yaml\n');

    // A fresh copy with that saved config asks nothing but the confirmation.
    const again = fixtureRepo('infra-backend', { write: { 'compose-migrate.config.yaml': saved } });
    const t = runInTerminal(['apply', '--all'], { cwd: again });
    try {
      await t.waitFor('and commit?');
      t.write(KEY.ctrlC);
      expect(await t.exited).toBe(130);
    } finally {
      t.kill();
    }
    expect(t.text()).not.toContain('Which environment');
    expect(t.text()).not.toContain('Save these answers');
  });

  it('peer and port answers change the plan, and saving merges them into a commented config', async () => {
    const config = '# owned by the platform team\narchiveDir: todo # archived root files go here\n';
    const dir = fixtureRepo('layered', { write: { 'compose-migrate.config.yaml': config } });
    const s = runInTerminal(['apply', '--all'], { cwd: dir, env: terminalEnv({ PAGER: 'cat' }) });
    try {
      // Two peer questions: asked as one first (none / all / choose), each choice explained.
      const grouped = await s.waitFor(
        '2 peer dependencies. Pull every peer service into the components that use it?',
      );
      expect(grouped).toMatch(/none: no copies; the addresses that name a peer no longer resolve/);
      s.write(KEY.down);
      s.write(KEY.down);
      s.write(KEY.enter); // choose
      await s.waitFor("Pull it into app's files?");
      s.write(KEY.enter); // default: no
      await s.waitFor("Pull it into chat's files?");
      s.write('y');
      s.write(KEY.enter);
      await s.waitFor('Shift them or keep them?');
      s.write(KEY.down);
      s.write(KEY.enter); // keep
      await s.waitFor('and commit?');
      s.write('d');
      // The diff shown is the re-planned one: api pulled into chat's files.
      const shown = await s.waitFor('and commit?');
      const chatDiff = shown.slice(shown.indexOf('+++ b/chat/docker-compose.yml'));
      expect(chatDiff.slice(0, chatDiff.indexOf('+++', 3))).toMatch(/^\+ {2}api:/m);
      s.write('y');
      await s.waitFor('so the next run asks nothing?');
      s.write(KEY.enter); // default: yes
      expect(await s.exited).toBe(0);
    } finally {
      s.kill();
    }
    const saved = readFileSync(join(dir, 'compose-migrate.config.yaml'), 'utf8');
    expect(
      saved.startsWith('# owned by the platform team\narchiveDir: todo # archived root files go here\n'),
    ).toBe(true);
    expect(saved).toContain('ports: keep');
    expect(saved).toMatch(/peers:\n\s+app: \[\]\n\s+chat: \[ api \]/);
    const chat = readFileSync(join(dir, 'chat/docker-compose.yml'), 'utf8');
    expect(chat).toMatch(/^ {2}api:/m);
    const app = readFileSync(join(dir, 'app/docker-compose.yml'), 'utf8');
    expect(app).not.toMatch(/^ {2}api:/m);
    expect(app).toContain('5432:5432'); // kept, not shifted
  });

  it('an unattributed service is asked for its component, and the answer moves it into that component', async () => {
    const dir = repoOf({
      'docker-compose.yml':
        'services:\n  api:\n    build: ./api\n    depends_on: [postgres]\n  worker:\n    build:\n      context: .\n      dockerfile: jobs.Dockerfile\n  postgres:\n    image: postgres:16\n',
      'docker-compose.test.yml':
        'services:\n  api:\n    environment:\n      DB: postgres://postgres:5432/x\n',
      'api/package.json': '{"name":"api","scripts":{"test":"vitest"}}\n',
      'jobs.Dockerfile': 'FROM alpine\n',
    });
    const s = runInTerminal(['apply', '--all'], { cwd: dir });
    try {
      await s.waitFor('Which component owns service worker?');
      s.write(KEY.enter); // api, the first choice
      await s.waitFor('and commit?');
      s.write('y');
      await s.waitFor('Save these answers');
      s.write('y');
      s.write(KEY.enter);
      expect(await s.exited).toBe(0);
    } finally {
      s.kill();
    }
    expect(readFileSync(join(dir, 'api/docker-compose.yml'), 'utf8')).toMatch(/^ {2}worker:/m);
    expect(readFileSync(join(dir, 'compose-migrate.config.yaml'), 'utf8')).toMatch(
      /services:\n\s+worker: api\n/,
    );
  });

  it('CI=true on a terminal asks nothing and refuses like a pipe', async () => {
    const dir = fixtureRepo('layered');
    const before = gitState(dir);
    const s = runInTerminal(['apply', '--all'], { cwd: dir, env: terminalEnv({ CI: 'true' }) });
    expect(await s.exited).toBe(3);
    expect(s.text()).not.toContain('?');
    expect(s.text()).toContain('--yes');
    expect(gitState(dir)).toEqual(before);
  });
});

describe('progress on a terminal', () => {
  it('apply and rollback print a line per commit as it is made, and a closing summary', async () => {
    const dir = fixtureRepo('lumiere');
    const s = runInTerminal(['apply', '--all', '--yes'], { cwd: dir });
    expect(await s.exited).toBe(0);
    const text = s.text();
    const steps = [...text.matchAll(/^\[(\d+)\/(\d+)\] committed [0-9a-f]{12} (.+?)\r?$/gm)];
    const subjects = gitState(dir).log.slice(0, steps.length).reverse();
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.map((m) => `${m[1]}/${m[2]} ${m[3]}`)).toEqual(
      subjects.map((subject, i) => `${i + 1}/${steps.length} ${subject}`),
    );
    expect(text).toMatch(/^done: \d+ components migrated in \d+ commits/m);
    // Not listed a second time on the same terminal.
    expect(text).not.toMatch(/^committed /m);

    const back = runInTerminal(['rollback', '--yes'], { cwd: dir });
    expect(await back.exited).toBe(0);
    expect(back.text()).toMatch(/^\[1\/\d+\] committed [0-9a-f]{12} reverts [0-9a-f]{12} /m);
    expect(back.text()).toMatch(/^done: .* rolled back in \d+ commits/m);
  });
});

describe('rollback on a terminal', () => {
  it('lists the commits it will revert, and reverts only on yes', async () => {
    const dir = fixtureRepo('lumiere');
    const applied = runInTerminal(['apply', '--component', 'pourtier', '--yes'], { cwd: dir });
    expect(await applied.exited).toBe(0);
    const migrated = gitState(dir);
    const sha = migrated.head.slice(0, 12);

    const no = runInTerminal(['rollback'], { cwd: dir });
    try {
      const listed = await no.waitFor('Revert 1 migration step?');
      expect(listed).toContain(`revert ${sha}`);
      no.write('n');
      no.write(KEY.enter);
      await no.waitFor('nothing was changed');
      expect(await no.exited).toBe(0);
    } finally {
      no.kill();
    }
    expect(gitState(dir)).toEqual(migrated);

    const yes = runInTerminal(['rollback'], { cwd: dir });
    try {
      await yes.waitFor('Revert 1 migration step?');
      yes.write('y');
      yes.write(KEY.enter);
      await yes.waitFor(`reverts ${sha}`);
      expect(await yes.exited).toBe(0);
    } finally {
      yes.kill();
    }
    expect(exists(dir, 'pourtier/docker-compose.yaml')).toBe(false);
    expect(gitState(dir).log.length).toBe(migrated.log.length + 1);
  });
});
