import { describe, expect, it } from 'vitest';
import { bindMounts, namedVolumes } from '../../src/analysis/service-facts.js';
import { loadProject } from '../../src/compose/load.js';
import { normalizeService } from '../../src/compose/normalize.js';
import { servicePaths } from '../../src/compose/paths.js';
import { mountOf, parseVolumeSpec, type MountKind } from '../../src/compose/short-syntax.js';
import type { VarSource, YamlMap, YamlValue } from '../../src/compose/types.js';
import { collectTopLevelUse } from '../../src/generate/service-references.js';
import { rebaseServicePaths } from '../../src/generate/service-paths.js';
import { dataOnTmpfs } from '../../src/generate/test-tweaks.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { stringify } from 'yaml';

/**
 * One rule for what a `volumes` entry is, asked of every consumer: the core parser, the path table
 * (which the loader, normalize and the writer walk), the loader itself, normalize (verify's
 * canonical form), the writer's top-level pruning and rebasing, the test-file tweaks and
 * attribution's readers. Each answers with bind / volume / anonymous / unknown, and all agree.
 */
type Answer = Exclude<MountKind, 'tmpfs' | 'other'>;

const CASES: { entry: YamlValue; kind: Answer; why: string }[] = [
  { entry: 'data/x:/x', kind: 'volume', why: 'no leading ., / or ~: a volume name, as compose reads it' },
  { entry: 'named:/x', kind: 'volume', why: 'a bare name' },
  { entry: '${DATA}:/x', kind: 'unknown', why: 'a variable with no value: unknown until interpolated' },
  { entry: '${DATA:-./d}:/x', kind: 'bind', why: 'the default decides when the variable has no value' },
  { entry: '${DATA:-pgdata}:/x', kind: 'volume', why: 'a default that is a name' },
  { entry: './x:/x:ro', kind: 'bind', why: 'relative path with a mode' },
  { entry: '../shared:/x', kind: 'bind', why: 'a path above the file' },
  { entry: '~/x:/x', kind: 'bind', why: 'home' },
  { entry: '/srv/x:/x', kind: 'bind', why: 'absolute' },
  { entry: 'C:\\x:/x', kind: 'bind', why: 'Windows drive' },
  { entry: '/x', kind: 'anonymous', why: 'a lone target' },
  { entry: { type: 'bind', source: './x', target: '/x' }, kind: 'bind', why: 'long syntax bind' },
  { entry: { type: 'volume', source: 'v', target: '/x' }, kind: 'volume', why: 'long syntax volume' },
  { entry: { type: 'volume', target: '/x' }, kind: 'anonymous', why: 'long syntax, no source' },
];

const noVars: VarSource = () => undefined;
const vars =
  (values: Record<string, string>): VarSource =>
  (name) =>
    values[name];

const service = (entry: YamlValue): YamlMap => ({ image: 'postgres:16', volumes: [entry] });

const relativeSource = (entry: YamlValue): boolean => {
  const source = typeof entry === 'string' ? parseVolumeSpec(entry).source : (entry as YamlMap).source;
  return typeof source === 'string' && /^\.\.?\//.test(source);
};

const onDataDir = (entry: YamlValue): YamlValue =>
  typeof entry === 'string'
    ? entry.replace(/\/x$/, '/var/lib/postgresql/data').replace(/\/x:/, '/var/lib/postgresql/data:')
    : { ...(entry as YamlMap), target: '/var/lib/postgresql/data' };

/**
 * Each consumer reports only what its own output shows, and the expectation is the one rule seen
 * through that consumer (a rebasing step can only show "rebased or not", pruning only "a volume use").
 */
const consumers: Record<
  string,
  { ask: (entry: YamlValue) => string | undefined; expect: (k: Answer) => string }
> = {
  core: { ask: (e) => mountOf(e).kind, expect: (k) => k },
  normalize: {
    ask: (e) => {
      const v = (
        normalizeService(service(e), { projectDir: '/repo', vars: noVars }).volumes as YamlMap[]
      )[0]!;
      return v.type === 'volume' && !v.source ? 'anonymous' : String(v.type);
    },
    expect: (k) => k,
  },
  'path table': {
    ask: (e) => (servicePaths(service(e)).some((p) => p.id.startsWith('volumes.')) ? 'host path' : 'no path'),
    expect: (k) => (k === 'bind' ? 'host path' : 'no path'),
  },
  loader: {
    // A file in a subdirectory: a relative bind source is resolved against it, nothing else is touched.
    ask: (e) => {
      if (!relativeSource(e)) return undefined;
      const snapshot = new MemorySnapshot({
        'sub/compose.yaml': stringify({ services: { db: service(e) } }),
      });
      const loaded = loadProject(snapshot, ['sub/compose.yaml'], 'dev').services.get('db')!.config;
      return JSON.stringify((loaded.volumes as YamlValue[])[0]) !== JSON.stringify(e) ? 'rebased' : 'kept';
    },
    expect: (k) => (k === 'bind' ? 'rebased' : 'kept'),
  },
  'writer: rebasing': {
    ask: (e) => {
      if (!relativeSource(e)) return undefined;
      const out = (rebaseServicePaths(service(e), 'app').volumes as YamlValue[])[0];
      return JSON.stringify(out) !== JSON.stringify(e) ? 'rebased' : 'kept';
    },
    expect: (k) => (k === 'bind' ? 'rebased' : 'kept'),
  },
  'writer: top-level use': {
    ask: (e) => {
      const use = collectTopLevelUse([service(e)]);
      return use.anyVolume ? 'any volume' : use.volumes.size > 0 ? 'a volume' : 'no volume';
    },
    expect: (k) => (k === 'unknown' ? 'any volume' : k === 'volume' ? 'a volume' : 'no volume'),
  },
  'test tweaks': {
    // A named or anonymous volume on the data directory gives way to tmpfs; a bind mount (or a source
    // that may be one) is the user's and stays.
    ask: (e) => {
      const config = service(onDataDir(e));
      dataOnTmpfs('db', config, 'test');
      return config.volumes === undefined ? 'replaced by tmpfs' : 'kept';
    },
    expect: (k) => (k === 'volume' || k === 'anonymous' ? 'replaced by tmpfs' : 'kept'),
  },
  attribution: {
    ask: (e) => {
      const config = service(e);
      return bindMounts(config).length ? 'bind' : namedVolumes(config).length ? 'volume' : 'neither';
    },
    expect: (k) => (k === 'bind' || k === 'volume' ? k : 'neither'),
  },
};

describe('one answer for every volumes entry, from every consumer', () => {
  for (const c of CASES) {
    it(`${JSON.stringify(c.entry)} is ${c.kind} (${c.why})`, () => {
      const asked = Object.entries(consumers).flatMap(([name, { ask, expect: want }]) => {
        const answer = ask(c.entry);
        return answer === undefined ? [] : [[name, answer, want(c.kind)] as const];
      });
      expect(asked.length).toBeGreaterThanOrEqual(6);
      expect(Object.fromEntries(asked.map(([n, a]) => [n, a]))).toEqual(
        Object.fromEntries(asked.map(([n, , w]) => [n, w])),
      );
    });
  }
});

describe('a source written with a variable is decided by its value', () => {
  it('bind when the value is a path, volume when it is a name, for the core and normalize alike', () => {
    for (const [value, kind] of [
      ['./d', 'bind'],
      ['pgdata', 'volume'],
    ] as const) {
      const v = vars({ DATA: value });
      expect(mountOf('${DATA}:/x', v).kind).toBe(kind);
      const n = (
        normalizeService(service('${DATA}:/x'), { projectDir: '/repo', vars: v }).volumes as YamlMap[]
      )[0]!;
      expect(n.type).toBe(kind);
    }
  });

  it('the writer keeps the declared volume a variable names, and every declared volume when it cannot tell', () => {
    expect([...collectTopLevelUse([service('${DATA}:/x')], vars({ DATA: 'pgdata' })).volumes]).toEqual([
      'pgdata',
    ]);
    expect(collectTopLevelUse([service('${DATA}:/x')]).anyVolume).toBe(true);
  });
});

describe('short volume syntax parts', () => {
  it.each([
    ['C:\\data:/data', { source: 'C:\\data', target: '/data' }],
    ['${DATA:-/srv/data}:/data:ro', { source: '${DATA:-/srv/data}', target: '/data', mode: 'ro' }],
    ['./x:/x:ro,z', { source: './x', target: '/x', mode: 'ro,z' }],
    ['/anon', { target: '/anon' }],
  ])('%s', (spec, parts) => expect(parseVolumeSpec(spec)).toEqual(parts));
});
