import { describe, expect, it } from 'vitest';
import { backingImage } from '../../src/analysis/backing-images.js';
import { copiedSources, finalBaseImage } from '../../src/analysis/dockerfiles.js';
import { EVIDENCE } from '../../src/analysis/evidence.js';
import {
  backingOwnerWords,
  bestNameMatches,
  dockerfileNameWords,
  serviceWords,
} from '../../src/analysis/names.js';

describe('the evidence table', () => {
  it('is ordered strongest first, each row with the rule the plan states', () => {
    expect(EVIDENCE.map((r) => r.evidence)).toEqual([
      'backing-image',
      'build',
      'image',
      'name',
      'mount',
      'registry-image',
    ]);
    for (const r of EVIDENCE) expect(r.rule.length).toBeGreaterThan(20);
  });
});

describe('backing images', () => {
  it.each([
    ['postgres:16-alpine', 'postgres'],
    ['docker.io/library/mongo:7', 'mongo'],
    ['qdrant/qdrant:latest', 'qdrant'],
    ['milvusdb/milvus:v2.6.0', 'milvus'],
    ['confluentinc/cp-kafka:8.0.0', 'kafka'],
    ['clickhouse/clickhouse-server:23.8', 'clickhouse'],
    ['quay.io/coreos/etcd:v3.5', 'etcd'],
    ['amazon/dynamodb-local', 'dynamodb-local'],
    ['valkey/valkey:8', 'redis'],
    ['acme/billing-mongodb', 'mongo'],
  ])('%s is %s', (image, family) => {
    expect(backingImage(image)?.family).toBe(family);
  });

  it.each(['node:20', 'python:3.12', 'prom/postgres-exporter', 'redis-commander', '${DB_IMAGE}', 'acme/api'])(
    '%s is not a backing image',
    (image) => {
      expect(backingImage(image)).toBeUndefined();
    },
  );
});

describe('Dockerfile FROM', () => {
  it('follows stage names back to the external image and substitutes ARG defaults', () => {
    expect(finalBaseImage('ARG V=8.4\nFROM mysql:${V} AS db\nRUN true\nFROM db\n')).toBe('mysql:8.4');
    expect(finalBaseImage('FROM --platform=linux/amd64 node:20 AS build\nFROM nginx:1.27\n')).toBe(
      'nginx:1.27',
    );
    expect(finalBaseImage('# comment\nfrom mongo:3\n')).toBe('mongo:3');
    expect(finalBaseImage('FROM ${BASE}\n')).toBeUndefined();
    expect(finalBaseImage('RUN echo\n')).toBeUndefined();
  });
});

describe('Dockerfile COPY', () => {
  it('reads context sources, not stage or image copies', () => {
    expect(
      copiedSources(
        'FROM python AS b\nCOPY requirements.txt .\nFROM python\nCOPY --from=b /root/.local /root/.local\n' +
          'COPY --chown=app:app netra_core /app/netra_core\nADD shared lib /app/\nRUN echo COPY x y\n',
      ),
    ).toEqual(['requirements.txt', 'netra_core', 'shared', 'lib']);
  });
});

describe('names', () => {
  it('strips environment words from either end, keeping one word', () => {
    expect(serviceWords('alpine-test-backend')).toEqual(['backend']);
    expect(serviceWords('dev-backend')).toEqual(['backend']);
    expect(serviceWords('pourtier-test')).toEqual(['pourtier']);
    expect(serviceWords('test')).toEqual(['test']);
  });

  it('matches component names with -service/_service suffixes and as a prefix or suffix', () => {
    expect(bestNameMatches(['auth'], ['auth_service', 'frontend'])).toEqual([
      { component: 'auth_service', score: 3 },
    ]);
    expect(bestNameMatches(['backend'], ['netra_backend', 'frontend'])).toEqual([
      { component: 'netra_backend', score: 1 },
    ]);
    expect(bestNameMatches(['api', 'gateway', 'worker'], ['api', 'api-gateway'])).toEqual([
      { component: 'api-gateway', score: 2 },
    ]);
    // Two components ending with the name: ambiguous, both returned (a decision).
    expect(bestNameMatches(['web'], ['admin-web', 'public-web']).map((m) => m.component)).toEqual([
      'admin-web',
      'public-web',
    ]);
    expect(bestNameMatches(['seeder'], ['identity_service'])).toEqual([]);
  });

  it('reads the owner out of a backing service name and the target out of a Dockerfile name', () => {
    expect(backingOwnerWords('account-mongodb', ['mongo', 'mongodb'])).toEqual(['account']);
    expect(backingOwnerWords('api-db', ['postgres'])).toEqual(['api']);
    expect(backingOwnerWords('alpine-test-postgres', ['postgres'])).toEqual([]);
    expect(dockerfileNameWords('docker/auth.alpine.Dockerfile')).toEqual(['auth']);
    expect(dockerfileNameWords('Dockerfile.search-api')).toEqual(['search', 'api']);
    expect(dockerfileNameWords('apps/api/Dockerfile.dev')).toEqual([]);
    expect(dockerfileNameWords('Dockerfile')).toEqual([]);
  });
});
