import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitTreeSnapshot } from '../../src/git/tree-snapshot.js';
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
});
