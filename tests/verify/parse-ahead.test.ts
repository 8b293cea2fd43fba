import { describe, expect, it } from 'vitest';
import { parseComposeFilesAhead } from '../../src/verify/run.js';
import { verifyComponent } from '../../src/verify/verify.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { parseComposeFile } from '../../src/compose/parse.js';
import { fixtureFiles, renderLumiere, ROOT_FILES, snapshotWith } from '../generate/lumiere.js';

const never = new Promise<never>(() => undefined);

describe('parseComposeFilesAhead', () => {
  it('parses the compose files below the root (configured names too), not the root ones, the archived ones or other files', async () => {
    const disk = new MemorySnapshot({
      'docker-compose.yml': 'services: {a: {image: x}}\n',
      'todo/docker-compose.yml': 'services: {a: {image: x}}\n',
      'old/root/compose.yaml': 'services: {a: {image: x}}\n',
      'api/docker-compose.yml': 'services: {api: {image: x}}\n',
      'api/compose.test.yaml': 'services: {api: {image: y}}\n',
      'web/stack.yml': 'services: {web: {image: z}}\n',
      'web/notes.yml': 'not: compose\n',
      'broken/docker-compose.yml': 'services: [\n',
    });
    const parsed = await parseComposeFilesAhead(disk, { fileNames: { dev: 'stack.yml' } }, never);
    expect([...parsed.keys()].sort()).toEqual([
      'api/compose.test.yaml',
      'api/docker-compose.yml',
      'old/root/compose.yaml',
      'web/stack.yml',
    ]);
    // A configured archive folder is the one left out.
    const configured = await parseComposeFilesAhead(disk, { archiveDir: './old/root/' }, never);
    expect([...configured.keys()].sort()).toEqual([
      'api/compose.test.yaml',
      'api/docker-compose.yml',
      'todo/docker-compose.yml',
    ]);
    expect(parsed.get('api/docker-compose.yml')?.text).toBe('services: {api: {image: x}}\n');
  });

  it('stops once git has answered: the rest is parsed when loaded', async () => {
    const files: Record<string, string> = {};
    // Enough text that parsing all of it takes several slices.
    const body = Array.from(
      { length: 400 },
      (_, i) => `  s${i}: {image: "img:${i}", environment: [A=${i}]}`,
    ).join('\n');
    for (let i = 0; i < 200; i++) files[`c${i}/docker-compose.yml`] = `services:\n${body}\n`;
    const parsed = await parseComposeFilesAhead(new MemorySnapshot(files), {}, Promise.resolve());
    expect(parsed.size).toBeGreaterThan(0);
    expect(parsed.size).toBeLessThan(200);
  });

  it('a file parsed ahead verifies exactly as one loaded on the spot', () => {
    const files = fixtureFiles();
    const rendered = renderLumiere(snapshotWith(files, []));
    const snap = snapshotWith(files, rendered);
    const dev = rendered.find((r) => r.path === 'pourtier/docker-compose.yaml')!;
    // An edit after apply, so that there is a difference to find.
    const edited = snapshotWith(files, [
      { ...dev, content: dev.content.replace('- ./src:/app/src', '- ./lib:/app/src') },
    ]);
    for (const s of [snap, edited]) {
      const input = {
        snapshot: s,
        env: dev.env,
        rootFiles: [...ROOT_FILES[dev.env]],
        componentFile: dev.path,
        adjustments: dev.applied,
      };
      const ahead = verifyComponent({ ...input, parsed: parseComposeFile(dev.path, s.read(dev.path)!) });
      expect(ahead).toEqual(verifyComponent(input));
    }
    expect(
      verifyComponent({
        snapshot: edited,
        env: dev.env,
        rootFiles: [...ROOT_FILES[dev.env]],
        componentFile: dev.path,
        adjustments: dev.applied,
      }),
    ).not.toEqual([]);
  });
});
