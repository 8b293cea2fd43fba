import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvocationScanner } from '../../src/analysis/invocations.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';

/**
 * The invocation scan opens only the files a `git grep` names, plus every file git does not search
 * (ignored, symbolic links): it must find exactly what reading every file finds.
 */
const FILES: Record<string, string> = {
  'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
  'docker-compose.test.yml': 'services:\n  web:\n    environment: [A=1]\n',
  'scripts/tracked.sh': 'docker compose -f docker-compose.yml -f docker-compose.test.yml up\n',
  'scripts/untracked.sh': 'docker-compose -f docker-compose.yml up\n',
  'local/ignored.mk': 'test:\n\tdocker compose -f docker-compose.test.yml run web\n',
  'app/main.py': 'print("no compose here")\n',
  'docs/run.md': '    docker compose -f docker-compose.yml -f docker-compose.test.yml run web\n',
};

function writeTree(dir: string): void {
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  mkdirSync(join(dir, 'linked'));
  symlinkSync('../local/ignored.mk', join(dir, 'linked', 'via-link.mk'));
}

/** The snapshot without its text search: every file is read. */
function withoutSearch(s: DiskSnapshot): RepoSnapshot {
  return {
    root: s.root,
    files: () => s.files(),
    dirs: () => s.dirs(),
    exists: (p) => s.exists(p),
    isDir: (p) => s.isDir(p),
    read: (p) => s.read(p),
    readBytes: (p) => s.readBytes(p),
    size: (p) => s.size(p),
    symlinkTarget: (p) => s.symlinkTarget(p),
  };
}

const composeFiles = ['docker-compose.yml', 'docker-compose.test.yml'];
const where = (s: RepoSnapshot): string[] =>
  new InvocationScanner(composeFiles)
    .scan(s)
    .map((i) => `${i.where} ${i.files.join('+')}`)
    .sort();

describe('invocation scan with a text search', () => {
  it('finds in a git work tree what reading every file finds, ignored and linked files included', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'inv-search-'));
    writeTree(repo);
    writeFileSync(join(repo, '.gitignore'), 'local/\n');
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, ...a], { stdio: 'ignore' });
    git('init', '-q');
    git(
      'add',
      'docker-compose.yml',
      'docker-compose.test.yml',
      'scripts/tracked.sh',
      'app',
      'docs',
      'linked',
    );

    // A search from the first file (a real tree needs 2,000 before git is worth starting).
    const snapshot = new DiskSnapshot(repo, 0);
    const may = snapshot.mayContain(['docker-compose.yml', 'docker-compose.test.yml']);
    expect(may).toBeDefined();
    // git grep rules out the file naming no compose file without reading it.
    expect(may!('app/main.py')).toBe(false);
    expect(may!('scripts/untracked.sh')).toBe(true);
    expect(may!('local/ignored.mk')).toBe(true);
    expect(may!('linked/via-link.mk')).toBe(true);

    // A tracked file marked assume-unchanged and changed on disk is read, whatever git would search.
    git('update-index', '--assume-unchanged', 'app/main.py');
    writeFileSync(join(repo, 'app/main.py'), 'os.system("docker compose -f docker-compose.yml up")\n');
    expect(new DiskSnapshot(repo, 0).mayContain(['docker-compose.yml'])!('app/main.py')).toBe(true);
    // Such files are left to the caller whatever they hold (git may search their index copy).
    expect(new DiskSnapshot(repo, 0).mayContain(['no such text'])!('app/main.py')).toBe(true);

    const found = where(new DiskSnapshot(repo, 0));
    expect(found).toEqual(where(withoutSearch(new DiskSnapshot(repo))));
    expect(found).toEqual([
      'app/main.py:1 docker-compose.yml',
      'docs/run.md:1 docker-compose.yml+docker-compose.test.yml',
      'linked/via-link.mk:2 docker-compose.test.yml',
      'local/ignored.mk:2 docker-compose.test.yml',
      'scripts/tracked.sh:1 docker-compose.yml+docker-compose.test.yml',
      'scripts/untracked.sh:1 docker-compose.yml',
    ]);

    // The same search started ahead without blocking (the plan parses meanwhile) answers the same.
    const ahead = new DiskSnapshot(repo, 0);
    await ahead.searchAhead(composeFiles);
    const early = ahead.mayContain(composeFiles);
    const sync = new DiskSnapshot(repo, 0).mayContain(composeFiles);
    expect(early).toBeDefined();
    for (const p of ahead.files()) expect([p, early!(p)]).toEqual([p, sync!(p)]);
    expect(where(ahead)).toEqual(found);
  });

  it('has no search in a small tree (reading it is cheaper than starting git)', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'inv-small-'));
    writeTree(repo);
    execFileSync('git', ['-C', repo, 'init', '-q'], { stdio: 'ignore' });
    expect(new DiskSnapshot(repo).mayContain(['docker-compose.yml'])).toBeUndefined();
    expect(new DiskSnapshot(repo, 0).mayContain(['docker-compose.yml'])).toBeDefined();
    const small = new DiskSnapshot(repo);
    await small.searchAhead(['docker-compose.yml']);
    expect(small.mayContain(['docker-compose.yml'])).toBeUndefined();
  });

  it('has no search outside a git work tree, and the scan reads every file', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'inv-plain-'));
    writeTree(plain);
    const snapshot = new DiskSnapshot(plain, 0);
    await snapshot.searchAhead(['docker-compose.yml']);
    expect(snapshot.mayContain(['docker-compose.yml'])).toBeUndefined();
    expect(where(snapshot)).toContain('local/ignored.mk:2 docker-compose.test.yml');
  });
});
