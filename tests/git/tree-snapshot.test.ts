import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitTreeSnapshot, OverlaySnapshot } from '../../src/git/tree-snapshot.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { cleanupTempDirs, commitAll, git, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

describe('GitTreeSnapshot', () => {
  it('reads every file of a commit as committed, whatever its name, size or kind', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'a dir'), { recursive: true });
    const files: Record<string, Buffer> = {
      'docker-compose.yml': Buffer.from('services:\n  api:\n    image: x\n'),
      'a dir/name "quoted"\twith tab.txt': Buffer.from('odd name\n'),
      'empty.txt': Buffer.alloc(0),
      'binary.bin': Buffer.from([0, 1, 2, 255, 10, 0]),
      // Above the batch limit: read on its own.
      'big.txt': Buffer.alloc(1_100_000, 'y'),
    };
    for (const [path, bytes] of Object.entries(files)) writeFileSync(join(dir, path), bytes);
    symlinkSync('docker-compose.yml', join(dir, 'link.yml'));
    const sha = commitAll(dir, 'tree');
    // The work tree changes afterwards: the snapshot still shows the commit.
    writeFileSync(join(dir, 'docker-compose.yml'), 'changed\n');

    const snap = await GitTreeSnapshot.open(dir, sha);
    expect(snap.files()).toEqual([...Object.keys(files), 'link.yml'].sort());
    for (const [path, bytes] of Object.entries(files)) {
      expect(Buffer.from(snap.readBytes(path)!).equals(bytes)).toBe(true);
      expect(snap.size(path)).toBe(bytes.length);
    }
    expect(snap.read('link.yml')).toBe('docker-compose.yml');
    expect(snap.readBytes('missing.txt')).toBeUndefined();
    expect(snap.isDir('a dir')).toBe(true);

    // Read ahead without blocking: afterwards every blob of the batch is there without git.
    const ahead = await GitTreeSnapshot.open(dir, sha);
    await ahead.prefetch();
    renameSync(join(dir, '.git'), join(dir, 'git-away'));
    try {
      for (const [path, bytes] of Object.entries(files)) {
        if (path === 'big.txt') expect(() => ahead.readBytes(path)).toThrow();
        else expect(Buffer.from(ahead.readBytes(path)!).equals(bytes)).toBe(true);
      }
    } finally {
      renameSync(join(dir, 'git-away'), join(dir, '.git'));
    }
  });

  it('a large tree is searched with git grep and read in part: the files found in one batch, the rest when asked', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'app/scripts'), { recursive: true });
    const files: Record<string, string> = {
      'app/docker-compose.test.yml': 'services: {}\n',
      'app/scripts/up.sh': 'docker compose -f docker-compose.test.yml up\n',
      'app/notes.md': 'nothing to see\n',
      'app/Dockerfile': 'FROM python:3.12\n',
      'other/run.sh': 'docker compose -f docker-compose.test.yml up\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const sha = commitAll(dir, 'tree');
    writeFileSync(join(dir, 'app/notes.md'), 'docker-compose.test.yml, after the commit\n');

    // Opened on a subfolder, as a command run there sees it; "large" from one file on.
    const snap = await GitTreeSnapshot.open(join(dir, 'app'), sha, 1);
    const may = snap.mayContain(['docker-compose.test.yml']);
    expect(may).toBeDefined();
    expect(snap.files().filter((p) => may!(p))).toEqual(['scripts/up.sh']);
    // Nothing is read ahead on a large tree.
    await snap.prefetch();
    // What the search found was read in its batch: it reads without git.
    renameSync(join(dir, '.git'), join(dir, 'git-away'));
    try {
      expect(snap.read('scripts/up.sh')).toBe(files['app/scripts/up.sh']);
      expect(() => snap.readBytes('Dockerfile')).toThrow();
    } finally {
      renameSync(join(dir, 'git-away'), join(dir, '.git'));
    }
    // The rest is read when asked for, as committed, or ahead in one batch when the caller says what comes next.
    expect(snap.read('notes.md')).toBe(files['app/notes.md']);
    snap.readAhead(['Dockerfile', 'missing.txt']);
    renameSync(join(dir, '.git'), join(dir, 'git-away'));
    try {
      expect(snap.read('Dockerfile')).toBe(files['app/Dockerfile']);
    } finally {
      renameSync(join(dir, 'git-away'), join(dir, '.git'));
    }

    // A smaller tree is read whole on first use and never searched.
    const small = await GitTreeSnapshot.open(dir, sha);
    expect(small.mayContain(['docker-compose.test.yml'])).toBeUndefined();
  });

  it('an overlay answers from its base search, the files it takes from the other side always read', async () => {
    const base = new MemorySnapshot({ 'a.sh': 'docker compose up\n', 'b.sh': 'echo\n' });
    const searching = Object.assign(base, {
      mayContain: (needles: readonly string[]) => (p: string) =>
        needles.some((n) => base.read(p)?.includes(n)),
    });
    const over = new MemorySnapshot({ 'docker-compose.yml': 'services: {}\n' });
    const overlay = new OverlaySnapshot(searching, over, new Set(['docker-compose.yml']));
    // Read-ahead hints go to the side each file comes from.
    const asked: string[][] = [];
    Object.assign(over, { readAhead: (paths: Iterable<string>) => asked.push(['over', ...paths]) });
    Object.assign(base, { readAhead: (paths: Iterable<string>) => asked.push(['base', ...paths]) });
    overlay.readAhead(['a.sh', 'docker-compose.yml']);
    expect(asked).toEqual([
      ['over', 'docker-compose.yml'],
      ['base', 'a.sh'],
    ]);
    const may = overlay.mayContain(['compose']);
    expect(['a.sh', 'b.sh', 'docker-compose.yml'].filter((p) => may!(p))).toEqual([
      'a.sh',
      'docker-compose.yml',
    ]);
    expect(new OverlaySnapshot(new MemorySnapshot({}), over, new Set()).mayContain(['x'])).toBeUndefined();
  });
});
