import type { YamlMap } from '../compose/types.js';

/** What a test file needs to know about a well-known backing image. */
export interface KnownImage {
  family: string;
  /** Where the image keeps its data; put on tmpfs in test files. */
  dataDirs: string[];
  /** Healthcheck added when the service has none. `$$` keeps the variable for the container's shell. */
  healthcheck: YamlMap;
}

const timing = { interval: '2s', timeout: '5s', retries: 30, start_period: '5s' };

const FAMILIES: { names: string[]; image: KnownImage }[] = [
  {
    names: ['postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector'],
    image: {
      family: 'postgres',
      dataDirs: ['/var/lib/postgresql/data'],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U "$${POSTGRES_USER:-postgres}"'], ...timing },
    },
  },
  {
    names: ['mysql', 'percona'],
    image: {
      family: 'mysql',
      dataDirs: ['/var/lib/mysql'],
      healthcheck: { test: ['CMD-SHELL', 'mysqladmin ping -h 127.0.0.1 --silent'], ...timing },
    },
  },
  {
    names: ['mariadb'],
    image: {
      family: 'mariadb',
      dataDirs: ['/var/lib/mysql'],
      healthcheck: {
        test: [
          'CMD-SHELL',
          'mariadb-admin ping -h 127.0.0.1 --silent || mysqladmin ping -h 127.0.0.1 --silent',
        ],
        ...timing,
      },
    },
  },
  {
    names: ['mongo', 'mongodb', 'mongodb-community-server'],
    image: {
      family: 'mongo',
      dataDirs: ['/data/db'],
      healthcheck: {
        test: [
          'CMD-SHELL',
          'mongosh --quiet --eval "db.adminCommand(\'ping\').ok" || mongo --quiet --eval "db.adminCommand(\'ping\').ok"',
        ],
        ...timing,
      },
    },
  },
  {
    names: ['redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb'],
    image: {
      family: 'redis',
      dataDirs: ['/data'],
      healthcheck: { test: ['CMD-SHELL', 'redis-cli ping || valkey-cli ping'], ...timing },
    },
  },
  {
    names: ['rabbitmq'],
    image: {
      family: 'rabbitmq',
      dataDirs: ['/var/lib/rabbitmq'],
      healthcheck: { test: ['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], ...timing },
    },
  },
  {
    names: ['elasticsearch', 'opensearch'],
    image: {
      family: 'elasticsearch',
      dataDirs: ['/usr/share/elasticsearch/data'],
      healthcheck: {
        test: ['CMD-SHELL', 'curl -fs http://localhost:9200/_cluster/health || exit 1'],
        ...timing,
      },
    },
  },
];

/**
 * The last path segment of an image reference without tag or digest:
 * "docker.io/library/postgres:16" -> "postgres", "bitnami/redis@sha256:..." -> "redis".
 */
export function imageBaseName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return (last.split(':')[0] ?? last).toLowerCase();
}

export function knownImage(image: unknown): KnownImage | undefined {
  if (typeof image !== 'string' || image.startsWith('$')) return undefined;
  const base = imageBaseName(image);
  return FAMILIES.find((f) => f.names.includes(base))?.image;
}
