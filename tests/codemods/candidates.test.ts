import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { candidateFiles, type CandidateQuery } from '../../src/codemods/candidates.js';
import { DECIDER_TEXT } from '../../src/codemods/run.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

const FILES: Record<string, string> = {
  'ci/run.sh': 'docker compose -f docker-compose.ci.yml up -d\n',
  'docs/guide.md': 'Run `docker compose up` from the root.\n',
  'svc/app.py': 'print("hello")\n',
  'svc/runner.py': 'class X:\n    def pick_executor(self, category):\n        return 1\n',
  'svc/paths.py': 'F = "docker-compose.ci.yml"\n',
  'web/index.ts': 'export const x = 1;\n',
  'web/needs.ts': 'export function needsDocker() { return true; }\n',
  'README.md': 'Nothing about containers here.\n',
};
const query: CandidateQuery = {
  fixed: ['docker-compose.ci.yml', 'docker compose'],
  code: {
    js: /needs_?docker|def \w*executor\w*\s*\(/i,
    ere: 'needs_?docker|def [A-Za-z0-9_]*executor[A-Za-z0-9_]*[[:space:]]*\\(',
  },
  isCode: (p) => /\.(py|ts)$/.test(p),
};
const expected = ['ci/run.sh', 'docs/guide.md', 'svc/paths.py', 'svc/runner.py', 'web/needs.ts'];

function writeTree(dir: string): void {
  for (const [p, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

describe('candidate files for the codemods and the reference scan', () => {
  it('the in-process scan and git grep pick the same files, tracked or untracked', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'cand-plain-'));
    writeTree(plain);
    const scanned = await candidateFiles(new DiskSnapshot(plain), query);
    expect(scanned).toEqual({ files: expected, via: 'scan' });

    const repo = mkdtempSync(join(tmpdir(), 'cand-git-'));
    writeTree(repo);
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, ...a], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '.', ':!svc/paths.py');
    const grepped = await candidateFiles(new DiskSnapshot(repo), query);
    expect(grepped).toEqual({ files: expected, via: 'git-grep' });
  });

  it('git grep with the Perl-compatible pattern, or the ERE when git cannot use it, picks the same files', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'cand-pcre-'));
    writeTree(repo);
    execFileSync('git', ['-C', repo, 'init', '-q'], { stdio: 'ignore' });
    const code = query.code!;
    const perl = await candidateFiles(new DiskSnapshot(repo), {
      ...query,
      code: { ...code, pcre: [code.js.source] },
    });
    expect(perl).toEqual({ files: expected, via: 'git-grep' });
    // A pattern git refuses under -P (as a git built without PCRE refuses every one) falls back to the ERE.
    const refused = await candidateFiles(new DiskSnapshot(repo), {
      ...query,
      code: { ...code, pcre: ['(unclosed'] },
    });
    expect(refused).toEqual({ files: expected, via: 'git-grep' });
  });

  it('one git search for both patterns: fixed strings literal and case-sensitive, the code pattern only for code', async () => {
    const tree: Record<string, string> = {
      'deploy/up.sh': 'docker-compose -f ops/docker-compose.c+i(1).yml up\n',
      'deploy/near.sh': 'docker-compose -f ops/docker-composeXci1Yyml up\n',
      'docs/loud.md': 'DOCKER COMPOSE is not the command\n',
      'docs/notes.md': 'a function named needs_docker decides\n',
      'svc/loud.py': 'def NEEDS_DOCKER(component, category):\n    return True\n',
      'svc/quiet.py': 'print(1)\n',
    };
    const metaQuery: CandidateQuery = { ...query, fixed: ['docker-compose.c+i(1).yml', 'docker compose'] };
    const want = ['deploy/up.sh', 'svc/loud.py'];
    const plain = mkdtempSync(join(tmpdir(), 'cand-meta-plain-'));
    const repo = mkdtempSync(join(tmpdir(), 'cand-meta-git-'));
    for (const dir of [plain, repo])
      for (const [p, text] of Object.entries(tree)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
    execFileSync('git', ['-C', repo, 'init', '-q'], { stdio: 'ignore' });
    const code = { ...query.code!, pcre: [query.code!.js.source] };
    expect(await candidateFiles(new DiskSnapshot(plain), { ...metaQuery, code })).toEqual({
      files: want,
      via: 'scan',
    });
    expect(await candidateFiles(new DiskSnapshot(repo), { ...metaQuery, code })).toEqual({
      files: want,
      via: 'git-grep',
    });
  });

  it('asks a snapshot that is not on disk directly', async () => {
    const files = Object.fromEntries(Object.entries(FILES));
    const found = await candidateFiles(new MemorySnapshot(files, join(tmpdir(), 'no-such-dir-xyz')), query);
    expect(found).toEqual({ files: expected, via: 'scan' });
  });

  it('the decider pattern picks the same files written as a RegExp, a Perl-compatible search and an ERE', async () => {
    // Each line is its own file: decider spellings in any case, and near misses of each part.
    const lines = [
      'if needs_docker(component): pass',
      'export const x = requiresDocker(c);',
      'USE_DOCKER = True',
      'usedocker()',
      'def make_executor (category):',
      'def PICK_RUNNER_for(kind):',
      'def runner(',
      'needs-docker is not a name',
      'docker_needs(x)',
      'use  docker',
      'def executor_table = 1',
      'define_runner()',
      'undef runner(',
      'reuse_docker_image()',
    ];
    const tree = Object.fromEntries(lines.map((l, i) => [`src/f${i}.py`, `${l}\n`]));
    const want = lines.flatMap((l, i) => (DECIDER_TEXT.js.test(l) ? [`src/f${i}.py`] : [])).sort();
    // The near misses stay near misses: the test would pass on any pattern otherwise.
    expect(want.length).toBeGreaterThan(5);
    expect(want.length).toBeLessThan(lines.length - 4);
    const repo = mkdtempSync(join(tmpdir(), 'cand-decider-'));
    for (const [p, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(repo, p)), { recursive: true });
      writeFileSync(join(repo, p), text);
    }
    execFileSync('git', ['-C', repo, 'init', '-q'], { stdio: 'ignore' });
    const base: CandidateQuery = { fixed: ['docker-compose.yml'], isCode: (p) => p.endsWith('.py') };
    const ways = {
      pcre: DECIDER_TEXT,
      ere: { js: DECIDER_TEXT.js, ere: DECIDER_TEXT.ere },
    };
    for (const code of Object.values(ways)) {
      expect(await candidateFiles(new DiskSnapshot(repo), { ...base, code })).toEqual({
        files: want,
        via: 'git-grep',
      });
      expect(
        await candidateFiles(new MemorySnapshot(tree, join(tmpdir(), 'no-such-dir-xyz')), { ...base, code }),
      ).toEqual({
        files: want,
        via: 'scan',
      });
    }
    // Without a fixed string the code pattern is searched alone.
    expect(await candidateFiles(new DiskSnapshot(repo), { ...base, fixed: [], code: DECIDER_TEXT })).toEqual({
      files: want,
      via: 'git-grep',
    });
  });
});
