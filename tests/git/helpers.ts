import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Change } from '../../src/plan/types.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/lumiere', import.meta.url));

const created: string[] = [];

export function tempDir(prefix = 'cm-git-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** git in `dir`; identity passed on the command line so the machine's config does not matter. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function gitTry(dir: string, ...args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: git(dir, ...args) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** Commit everything as a test user (works without any configured identity). */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(
    dir,
    '-c',
    'user.name=Test User',
    '-c',
    'user.email=test@example.com',
    'commit',
    '-q',
    '--no-verify',
    '-m',
    message,
  );
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/**
 * A copy of the lumiere fixture in a fresh git repository with one commit. `identity: false`
 * leaves user.name/user.email unset in the repo config (the global config is the test's business).
 */
export function makeRepo(opts: { identity?: boolean } = {}): string {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  // An executable script that names a root compose file: modes must survive apply and rollback.
  writeFileSync(
    join(dir, 'scripts-run-tests.sh'),
    '#!/bin/sh\ndocker compose -f docker-compose.test.yaml up -d\n',
  );
  chmodSync(join(dir, 'scripts-run-tests.sh'), 0o755);
  git(dir, 'init', '-q', '-b', 'main');
  if (opts.identity !== false) {
    git(dir, 'config', 'user.name', 'Repo Owner');
    git(dir, 'config', 'user.email', 'owner@example.com');
  }
  commitAll(dir, 'initial import');
  return dir;
}

/** Hash and mode of every file under dir (not .git), plus git's view of the tree. */
export interface TreeState {
  files: Record<string, string>;
  status: string;
  index: string;
}

function walk(root: string, rel: string, out: Record<string, string>): void {
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (entry.name === '.git' && rel === '') continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const abs = join(root, path);
    const st = lstatSync(abs);
    if (st.isDirectory()) {
      out[`${path}/`] = 'dir';
      walk(root, path, out);
    } else if (st.isSymbolicLink()) out[path] = `link:${readlinkSync(abs)}`;
    else out[path] = `${gitMode(st.mode)}:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
  }
}

export function treeState(dir: string): TreeState {
  const files: Record<string, string> = {};
  walk(dir, '', files);
  return {
    files,
    status: git(dir, 'status', '--porcelain=v1', '--untracked-files=all'),
    index: git(dir, 'ls-files', '-s'),
  };
}

export const read = (dir: string, path: string): string => readFileSync(join(dir, path), 'utf8');

/** The changes a pourtier migration makes in the lumiere fixture. */
export function pourtierChanges(dir: string): Change[] {
  const orchestrator = 'laborant/src/laborant/core/orchestrator.py';
  return [
    {
      op: 'create',
      path: 'pourtier/docker-compose.yaml',
      component: 'pourtier',
      content:
        'services:\n  pourtier:\n    build:\n      context: ..\n      dockerfile: pourtier/Dockerfile\n    depends_on: [postgres, redis]\n  postgres:\n    image: postgres:16\n  redis:\n    image: redis:7\n',
      reason: 'dev compose file for pourtier',
    },
    {
      op: 'create',
      path: 'pourtier/docker-compose.test.yaml',
      component: 'pourtier',
      content: 'services:\n  postgres:\n    image: postgres:16\n    tmpfs: [/var/lib/postgresql/data]\n',
      reason: 'test compose file for pourtier',
    },
    {
      op: 'create',
      path: 'pourtier/Makefile',
      component: 'pourtier',
      content: 'test:\n\tdocker compose -f docker-compose.test.yaml up --wait\n',
      reason: 'Makefile for pourtier',
    },
    {
      op: 'modify',
      path: orchestrator,
      component: 'pourtier',
      before: read(dir, orchestrator),
      content: `${read(dir, orchestrator)}\n# compose files are looked up per component\n`,
      reason: 'codemod compose-path',
    },
    {
      op: 'modify',
      path: 'scripts-run-tests.sh',
      component: 'pourtier',
      before: read(dir, 'scripts-run-tests.sh'),
      content: '#!/bin/sh\ndocker compose -f pourtier/docker-compose.test.yaml up -d\n',
      reason: 'rewrite compose command line',
    },
  ];
}

export function passeurChanges(dir: string): Change[] {
  return [
    {
      op: 'create',
      path: 'passeur/docker-compose.yaml',
      component: 'passeur',
      content: 'services:\n  passeur:\n    build: .\n',
      reason: 'dev compose file for passeur',
    },
    {
      op: 'modify',
      path: 'passeur/Makefile',
      component: 'passeur',
      before: read(dir, 'passeur/Makefile'),
      content: `${read(dir, 'passeur/Makefile')}\ninclude compose.mk\n`,
      reason: 'include generated targets',
    },
    {
      op: 'create',
      path: 'passeur/compose.mk',
      component: 'passeur',
      content: 'dev:\n\tdocker compose up\n',
      reason: 'generated make targets',
    },
  ];
}

/** The archive: root files to todo/ (the fixture's todo/ already holds docker-compose.test.yaml). */
export function archiveChanges(): Change[] {
  return [
    {
      op: 'move',
      path: 'docker-compose.development.yaml',
      to: 'todo/docker-compose.development.yaml',
      component: '',
      reason: 'archive',
    },
    {
      op: 'move',
      path: 'docker-compose.test.yaml',
      to: 'todo/old-docker-compose.test.yaml',
      component: '',
      reason: 'archive',
    },
    {
      op: 'move',
      path: 'docker-compose.production.yaml',
      to: 'todo/2024/docker-compose.production.yaml',
      component: '',
      reason: 'archive',
    },
  ];
}

export function touchedBy(changes: readonly Change[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.to ? [c.path, c.to] : [c.path])))];
}

/**
 * The mode as git records it (644 or 755): what a checkout reproduces. The group and other write bits
 * follow the umask of whoever runs the tests (002 gives 664), so they are no part of byte identity.
 */
function gitMode(mode: number): string {
  return (mode & 0o100) !== 0 ? '755' : '644';
}
