import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDotEnv, varSource } from '../../src/compose/interpolate.js';
import { loadProject } from '../../src/compose/load.js';
import type { YamlMap } from '../../src/compose/types.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import {
  REFEREE_ENV,
  ours,
  runReferee,
  skipReferee,
  stripTagged,
  taggedKeys,
  theirs,
  variantOf,
} from './referee.js';

interface Case {
  fixture: string;
  env: string;
  files: string[];
  /** Files replaced in the referee's copy (hand expansions of what 1.29 cannot read). */
  variant?: Record<string, string>;
  /** Appended to the variant's .env (include env_file variables, which 1.29 cannot scope). */
  extraDotEnv?: string;
  /** Expected values, in compose syntax, of keys the referee cannot judge ("service.key"); undefined = key absent. */
  expected?: Record<string, unknown>;
}

const LAYERED_TEST_EXPECTED: Record<string, unknown> = {
  'postgres.ports': ['5434:5432'],
  'postgres.volumes': undefined,
  'redis.ports': ['6380:6379'],
  'redis.volumes': undefined,
  'api.ports': ['8001:8000'],
  'app.ports': ['5001:5000'],
};

const fixture = (name: string): string => resolve('fixtures', name);
const read = (name: string, file: string): string => readFileSync(join(fixture(name), file), 'utf8');

function strippedVariant(name: string, files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const text = read(name, f);
    if (taggedKeys(text).length) out[f] = stripTagged(text);
  }
  return out;
}

const cases: Case[] = [
  { fixture: 'lumiere', env: 'dev', files: ['docker-compose.development.yaml'] },
  { fixture: 'lumiere', env: 'test', files: ['docker-compose.test.yaml'] },
  { fixture: 'lumiere', env: 'prod', files: ['docker-compose.production.yaml'] },
  { fixture: 'layered', env: 'prod', files: ['docker-compose.yml'] },
  {
    fixture: 'layered',
    env: 'dev',
    files: ['docker-compose.yml', 'docker-compose.dev.yml', 'docker-compose.override.yml'],
  },
  {
    fixture: 'layered',
    env: 'test',
    files: ['docker-compose.yml', 'docker-compose.test.yml'],
    variant: strippedVariant('layered', ['docker-compose.test.yml']),
    expected: LAYERED_TEST_EXPECTED,
  },
  {
    fixture: 'layered',
    env: 'ci',
    files: ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'],
    variant: strippedVariant('layered', ['docker-compose.test.yml', 'docker-compose.ci.yml']),
    expected: {
      ...LAYERED_TEST_EXPECTED,
      'api.volumes': [
        './api/tests:/app/tests',
        { type: 'volume', source: 'venv_shared', target: '/app/.venv' },
      ],
      'traefik.command': undefined,
    },
  },
  ...[['docker-compose.yml'], ['docker-compose.yml', 'docker-compose.dev.yml']].map((files): Case => ({
    fixture: 'modular',
    env: files.length === 1 ? 'default' : 'dev',
    files,
    variant: {
      'docker-compose.yml': readFileSync(
        resolve('tests/compose/referee-variants/modular/docker-compose.yml'),
        'utf8',
      ),
    },
    extraDotEnv: read('modular', 'docker-compose/environments/.env.development'),
  })),
];

describe.skipIf(skipReferee)('merged model equals docker-compose config, service by service', () => {
  for (const c of cases) {
    describe(`${c.fixture} ${c.env} (${c.files.join(' + ')})`, () => {
      const snapshot = new DiskSnapshot(fixture(c.fixture));
      const project = loadProject(snapshot, c.files, c.env);
      const replace = { ...(c.variant ?? {}) };
      if (c.extraDotEnv) replace['.env'] = `${read(c.fixture, '.env')}\n${c.extraDotEnv}`;
      const dir = variantOf(fixture(c.fixture), replace);
      const profiles = [
        ...new Set(
          [...project.services.values()].flatMap((s) => (s.config.profiles as string[] | undefined) ?? []),
        ),
      ];
      const ref = runReferee(dir, c.files, profiles);
      const rootEnv = loadDotEnv(snapshot.read('.env') ?? '');

      test('same service names', () => {
        expect([...project.services.keys()].sort()).toEqual(Object.keys(ref).sort());
      });

      for (const [name, svc] of project.services) {
        test(name, () => {
          const envFiles = svc.interpolationEnvFiles;
          const vars = envFiles
            ? varSource(REFEREE_ENV, ...envFiles.map((f) => loadDotEnv(snapshot.read(f) ?? '')))
            : varSource(REFEREE_ENV, rootEnv);
          const mine = ours(svc.config, dir, vars);
          const theirsCfg = theirs(ref[name] as YamlMap, dir);
          for (const [key, value] of Object.entries(c.expected ?? {})) {
            const [svcName, field] = key.split('.') as [string, string];
            if (svcName !== name) continue;
            // The referee cannot read !reset/!override: this key is judged against the value written here.
            const want =
              value === undefined ? undefined : ours({ [field]: value } as YamlMap, dir, vars)[field];
            expect(mine[field], key).toEqual(want);
            delete mine[field];
            delete theirsCfg[field];
          }
          expect(mine).toEqual(theirsCfg);
        });
      }
    });
  }
});
