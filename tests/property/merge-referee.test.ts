/**
 * Layered merge against the referee: random pairs of compose files within what docker-compose 1.29
 * understands (image, environment, ports, volumes, command, labels, depends_on), merged with
 * mergeServices and with `docker-compose -f a.yml -f b.yml config`, then compared in normalized form.
 * Each run spawns docker-compose, so the run count is modest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mergeServices } from '../../src/compose/merge.js';
import type { YamlMap, YamlValue } from '../../src/compose/types.js';
import { ours, runReferee, skipReferee, theirs } from '../compose/referee.js';

const SERVICES = ['web', 'worker', 'db'] as const;
const noVars = (): undefined => undefined;

const kvKeys = fc.constantFrom('A', 'B', 'C', 'LOG_LEVEL', 'DATABASE_URL');
const kvValue = fc.constantFrom('1', 'x', 'hello world', 'postgres://db:5432/app', 'a=b', '');
const kvMapArb = fc.dictionary(kvKeys, kvValue, { minKeys: 1, maxKeys: 4 });
/** Environment and labels in either syntax: a mapping, or a list of "K=V". */
const kvArb = fc.oneof(
  kvMapArb,
  kvMapArb.map((m) => Object.entries(m).map(([k, v]) => `${k}=${v}`)),
);

const portArb = fc.uniqueArray(
  fc.constantFrom('8080:80', '8081:80', '9000:90', '127.0.0.1:9001:91', '7000', '5432:5432/udp'),
  {
    minLength: 1,
    maxLength: 3,
  },
);
/** Two sources for /data, so a later file's mount on the same target must replace the earlier one. */
const volumeArb = fc.uniqueArray(
  fc.constantFrom('./a:/data', './b:/data', '/srv/x:/srv', './c:/cache:ro', './logs/:/var/log'),
  {
    minLength: 1,
    maxLength: 3,
    selector: (v) => v.split(':')[1] ?? v,
  },
);
const commandArb: fc.Arbitrary<YamlValue> = fc.oneof(
  fc.constantFrom('echo hi', 'sleep 10'),
  fc.constantFrom<string[]>(['sh', '-c', 'true'], ['run', '--fast']),
);
const imageArb = fc.constantFrom('busybox:1.36', 'alpine:3.19', 'nginx:1.27');

/** Optional fields of one service; depends_on only on services declared before it (no cycles). */
function fieldsArb(index: number, withImage: boolean): fc.Arbitrary<YamlMap> {
  const earlier = SERVICES.slice(0, index);
  const parts: Record<string, fc.Arbitrary<YamlValue>> = {
    environment: kvArb,
    labels: kvArb,
    ports: portArb,
    volumes: volumeArb,
    command: commandArb,
  };
  if (earlier.length)
    parts.depends_on = fc.uniqueArray(fc.constantFrom(...earlier), {
      minLength: 1,
      maxLength: earlier.length,
    });
  const optional = fc.record(parts, { requiredKeys: [] }) as fc.Arbitrary<YamlMap>;
  return withImage
    ? fc.tuple(imageArb, optional).map(([image, rest]) => ({ image, ...rest }))
    : fc
        .tuple(fc.option(imageArb, { nil: undefined }), optional)
        .map(([image, rest]) => (image ? { image, ...rest } : rest));
}

/** Base file: every service complete. Override file: some of them, with any subset of fields. */
const pairArb = fc.tuple(
  fc.tuple(...SERVICES.map((_, i) => fieldsArb(i, true))),
  fc.tuple(...SERVICES.map((_, i) => fc.option(fieldsArb(i, false), { nil: undefined, freq: 2 }))),
);

describe.skipIf(skipReferee)('mergeServices agrees with docker-compose 1.29 on layered files', () => {
  it('random base + override pairs', () => {
    fc.assert(
      fc.property(pairArb, ([baseSvcs, overSvcs]) => {
        const dir = mkdtempSync(join(tmpdir(), 'cm-merge-prop-'));
        try {
          const base: YamlMap = {};
          const over: YamlMap = {};
          SERVICES.forEach((name, i) => {
            base[name] = baseSvcs[i] ?? {};
            const o = overSvcs[i];
            if (o && Object.keys(o).length) over[name] = o;
          });
          writeFileSync(join(dir, 'a.yml'), stringify({ services: base }));
          // 1.29 reads an empty `services: {}` as a version-1 file and refuses to layer it: no override then.
          const files = ['a.yml'];
          if (Object.keys(over).length) {
            writeFileSync(join(dir, 'b.yml'), stringify({ services: over }));
            files.push('b.yml');
          }
          const referee = runReferee(dir, files, []);
          expect(Object.keys(referee).sort()).toEqual([...SERVICES].sort());
          for (const name of SERVICES) {
            const b = base[name] as YamlMap;
            const o = over[name] as YamlMap | undefined;
            const merged = o ? mergeServices(b, o) : b;
            expect(ours(merged, dir, noVars), name).toEqual(theirs(referee[name] as YamlMap, dir));
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
