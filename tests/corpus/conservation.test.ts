/**
 * The conservation check itself: it must find a lost (environment, service), count a `not-carried`
 * finding as accounting for it, and read both sides through the referee (layers, profiles).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  conserve,
  generatedFiles,
  generatedSide,
  notCarriedServices,
  rootSide,
  type PairSet,
  type PlanFinding,
  type PlanJson,
} from '../../bench/corpus/conservation.js';
import { skipReferee } from '../compose/referee.js';
import { cleanupRepos, makeRepo } from '../helpers/cli.js';

afterAll(cleanupRepos);

const pairs = (o: Record<string, string[]>): PairSet =>
  new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));

const notCarried = (service: string, env?: string, key?: string): PlanFinding => ({
  level: 'warning',
  code: 'not-carried',
  message: `${service} is not carried`,
  service,
  ...(env ? { env } : {}),
  ...(key ? { key } : {}),
});

describe('conserve', () => {
  const root = pairs({ dev: ['api', 'db', 'worker'], test: ['api', 'db'] });

  it('reports a service that is in no generated file and in no finding as lost', () => {
    const c = conserve(root, pairs({ dev: ['api', 'db'], test: ['api', 'db'] }), []);
    expect(c.lost).toEqual(['dev/worker']);
    expect(c.carried).toEqual(['dev/api', 'dev/db', 'test/api', 'test/db']);
    expect(c.accounted).toEqual([]);
  });

  it('loses a service carried into the wrong environment', () => {
    const c = conserve(root, pairs({ dev: ['api', 'db', 'worker'], test: ['api', 'db', 'worker'] }), []);
    expect(c.lost).toEqual([]);
    expect(c.extra).toEqual(['test/worker']);
    const wrongEnv = conserve(root, pairs({ dev: ['api', 'db'], test: ['api', 'db', 'worker'] }), []);
    expect(wrongEnv.lost).toEqual(['dev/worker']);
  });

  it('counts a not-carried finding for that service and environment as accounting for it', () => {
    const c = conserve(root, pairs({ dev: ['api', 'db'], test: ['api', 'db'] }), [
      notCarried('worker', 'dev'),
    ]);
    expect(c.lost).toEqual([]);
    expect(c.accounted).toEqual(['dev/worker']);
  });

  it('does not let a finding for another environment, another service or one key account for it', () => {
    const generated = pairs({ dev: ['api', 'db'], test: ['api', 'db'] });
    for (const f of [
      notCarried('worker', 'test'),
      notCarried('api', 'dev'),
      notCarried('worker', 'dev', 'ports'),
    ])
      expect(conserve(root, generated, [f]).lost).toEqual(['dev/worker']);
    const otherCode = { ...notCarried('worker', 'dev'), code: 'host-only' };
    expect(conserve(root, generated, [otherCode]).lost).toEqual(['dev/worker']);
  });

  it('reads a finding without env as covering every environment', () => {
    const c = conserve(root, pairs({ dev: ['db'], test: ['db'] }), [notCarried('api')]);
    expect(c.lost).toEqual(['dev/worker']);
    expect(c.accounted).toEqual(['dev/api', 'test/api']);
  });

  it('keeps only whole-service findings of the not-carried code', () => {
    expect(
      notCarriedServices([notCarried('a', 'dev'), notCarried('b', 'dev', 'volumes'), notCarried('c')]),
    ).toEqual([
      { service: 'a', env: 'dev' },
      { service: 'c', env: undefined },
    ]);
  });
});

const COMPOSE_BASE = `services:
  api:
    build: ./api
    depends_on: [db]
  db:
    image: postgres:16
  worker:
    build: ./worker
    profiles: [jobs]
`;

const COMPOSE_DEV = `services:
  api:
    environment:
      DEBUG: "1"
  mailcatcher:
    image: mailhog/mailhog
`;

/** A migration that kept api and db but dropped the profile-gated worker and the dev-only mailcatcher. */
const GENERATED = `services:
  api:
    build: .
    depends_on: [db]
    environment:
      DEBUG: "1"
  db:
    image: postgres:16
`;

const plan = (findings: PlanFinding[]): PlanJson => ({
  components: [{ name: 'api', path: 'api', kind: 'compose' }],
  environments: [{ name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml'] }],
  changes: [
    { op: 'create', path: 'api/docker-compose.yaml', component: 'api', reason: 'dev compose file for api' },
  ],
  findings,
});

describe.skipIf(skipReferee)('conservation through the referee', () => {
  const repo = makeRepo(null, {
    'docker-compose.yml': COMPOSE_BASE,
    'docker-compose.dev.yml': COMPOSE_DEV,
    'api/Dockerfile': 'FROM python:3.12\n',
    'worker/Dockerfile': 'FROM python:3.12\n',
    'api/docker-compose.yaml': GENERATED,
  });

  it('finds a profile-gated service and a layered-in service that no generated file carries', async () => {
    const p = plan([]);
    const root = await rootSide(repo.dir, p);
    expect([...(root.pairs.get('dev') ?? [])].sort()).toEqual(['api', 'db', 'mailcatcher', 'worker']);
    const gen = await generatedSide(repo.dir, p, generatedFiles(p), root);
    expect(gen.results.get('api/docker-compose.yaml')?.ok).toBe(true);
    const c = conserve(root.pairs, gen.pairs, p.findings);
    expect(c.lost).toEqual(['dev/mailcatcher', 'dev/worker']);
    expect(c.carried).toEqual(['dev/api', 'dev/db']);
  });

  it('passes once the plan says what it did not carry, and only for what it says', async () => {
    const p = plan([notCarried('worker', 'dev'), notCarried('mailcatcher', 'dev', 'image')]);
    const root = await rootSide(repo.dir, p);
    const gen = await generatedSide(repo.dir, p, generatedFiles(p), root);
    const c = conserve(root.pairs, gen.pairs, p.findings);
    expect(c.accounted).toEqual(['dev/worker']);
    expect(c.lost).toEqual(['dev/mailcatcher']);
  });
});

describe.skipIf(skipReferee)('.env.example standing in for an absent .env', () => {
  // dev reads without a .env (blank values); prod is refused without one. A generated dev file must
  // be read the way dev was, or its values come from the stand-in and look different.
  const repo = makeRepo(null, {
    '.env.example': 'MQ_USER=plane\nREGISTRY=registry.example\n',
    'docker-compose.dev.yml':
      'services:\n  mq:\n    image: rabbitmq:3\n    environment:\n      USER: ${MQ_USER}\n',
    'docker-compose.prod.yml':
      'services:\n  mq:\n    image: ${REGISTRY:?set it}/rabbitmq:3\n    environment:\n      USER: ${MQ_USER}\n',
    'api/docker-compose.yml':
      'services:\n  mq:\n    image: rabbitmq:3\n    environment:\n      USER: ${MQ_USER}\n',
    'api/docker-compose.production.yml':
      'services:\n  mq:\n    image: ${REGISTRY:?set it}/rabbitmq:3\n    environment:\n      USER: ${MQ_USER}\n',
  });
  const p: PlanJson = {
    components: [{ name: 'api', path: 'api', kind: 'compose' }],
    environments: [
      { name: 'dev', files: ['docker-compose.dev.yml'] },
      { name: 'prod', files: ['docker-compose.prod.yml'] },
    ],
    changes: [
      { op: 'create', path: 'api/docker-compose.yml', component: 'api', reason: 'dev compose file for api' },
      {
        op: 'create',
        path: 'api/docker-compose.production.yml',
        component: 'api',
        reason: 'prod compose file for api',
      },
    ],
    findings: [],
  };

  it('is used for a generated file only where its root environment needed it', async () => {
    const root = await rootSide(repo.dir, p);
    expect([...root.standInEnvs]).toEqual(['prod']);
    const gen = await generatedSide(repo.dir, p, generatedFiles(p), root);
    const env = (file: string, side: typeof gen, key: string) =>
      (side.results.get(key)?.services.mq?.environment as Record<string, string> | undefined)?.USER ??
      `(${file} not read)`;
    expect(env('root dev', root, 'dev')).toBe('');
    expect(env('api dev', gen, 'api/docker-compose.yml')).toBe('');
    expect(env('root prod', root, 'prod')).toBe('plane');
    expect(env('api prod', gen, 'api/docker-compose.production.yml')).toBe('plane');
  });
});
