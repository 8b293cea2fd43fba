import { describe, expect, it } from 'vitest';
import { planArchive } from '../../src/generate/archive.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

describe('planArchive', () => {
  it('moves root files into todo/ keeping base names, never over an existing file', () => {
    const snap = new MemorySnapshot({
      'docker-compose.development.yaml': 'services: {}',
      'docker-compose.test.yaml': 'services: {}',
      'docker-compose.production.yaml': 'services: {}',
      'todo/docker-compose.test.yaml': 'old',
      'todo/docker-compose.test.1.yaml': 'older',
      'todo/README.md': 'notes',
    });
    const changes = planArchive(
      snap,
      ['docker-compose.development.yaml', 'docker-compose.test.yaml', 'docker-compose.production.yaml'],
      'todo',
    );
    expect(changes.map((c) => [c.op, c.path, c.to, c.component])).toEqual([
      ['move', 'docker-compose.development.yaml', 'todo/docker-compose.development.yaml', ''],
      ['move', 'docker-compose.test.yaml', 'todo/docker-compose.test.2.yaml', ''],
      ['move', 'docker-compose.production.yaml', 'todo/docker-compose.production.yaml', ''],
    ]);
  });

  it('keeps two files with the same base name from different dirs apart, and handles .yml', () => {
    const snap = new MemorySnapshot({ 'docker-compose.yml': '', 'deploy/docker-compose.yml': '' });
    const changes = planArchive(
      snap,
      ['docker-compose.yml', 'deploy/docker-compose.yml'],
      'archive/compose/',
    );
    expect(changes.map((c) => c.to)).toEqual([
      'archive/compose/docker-compose.yml',
      'archive/compose/docker-compose.1.yml',
    ]);
  });

  it('works on the lumiere fixture layout', async () => {
    const { DiskSnapshot } = await import('../../src/repo/disk.js');
    const snap = new DiskSnapshot(new URL('../../fixtures/lumiere', import.meta.url).pathname);
    const changes = planArchive(snap, ['docker-compose.test.yaml'], 'todo');
    expect(changes[0]?.to).toBe('todo/docker-compose.test.1.yaml');
  });
});
