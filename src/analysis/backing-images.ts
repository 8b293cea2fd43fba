/**
 * Images that run infrastructure a component uses rather than code it owns: databases, caches,
 * queues and brokers, object stores, search engines, vector databases and cloud emulators. A service
 * running one of these (or built FROM one) is a backing service whatever its name says.
 */

export type BackingKind =
  | 'database'
  | 'cache'
  | 'queue'
  | 'broker'
  | 'object store'
  | 'search engine'
  | 'vector database'
  | 'graph database'
  | 'coordination service'
  | 'cloud emulator';

export interface BackingImage {
  /** The family name used in reasons ("postgres", "mongo"). */
  family: string;
  kind: BackingKind;
  /** Every image name of the family, used to read the owner out of a service name (`account-mongodb`). */
  names: readonly string[];
}

const FAMILIES: BackingImage[] = [
  {
    family: 'postgres',
    kind: 'database',
    names: ['postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector', 'pg'],
  },
  { family: 'mysql', kind: 'database', names: ['mysql', 'percona', 'percona-server'] },
  { family: 'mariadb', kind: 'database', names: ['mariadb'] },
  { family: 'mongo', kind: 'database', names: ['mongo', 'mongodb', 'mongodb-community-server'] },
  { family: 'mssql', kind: 'database', names: ['mssql-server', 'azure-sql-edge', 'mssql'] },
  { family: 'cockroach', kind: 'database', names: ['cockroach', 'cockroachdb'] },
  { family: 'cassandra', kind: 'database', names: ['cassandra', 'scylla', 'scylladb'] },
  { family: 'couchdb', kind: 'database', names: ['couchdb', 'couchbase', 'couchbase-server'] },
  { family: 'influxdb', kind: 'database', names: ['influxdb', 'questdb'] },
  { family: 'clickhouse', kind: 'database', names: ['clickhouse', 'clickhouse-server'] },
  { family: 'surrealdb', kind: 'database', names: ['surrealdb'] },
  { family: 'arangodb', kind: 'database', names: ['arangodb'] },
  { family: 'neo4j', kind: 'graph database', names: ['neo4j', 'memgraph', 'memgraph-platform'] },
  {
    family: 'redis',
    kind: 'cache',
    names: ['redis', 'redis-stack', 'redis-stack-server', 'valkey', 'keydb', 'dragonfly', 'dragonflydb'],
  },
  { family: 'memcached', kind: 'cache', names: ['memcached'] },
  { family: 'rabbitmq', kind: 'broker', names: ['rabbitmq'] },
  { family: 'kafka', kind: 'broker', names: ['kafka', 'cp-kafka', 'cp-server', 'redpanda'] },
  { family: 'zookeeper', kind: 'coordination service', names: ['zookeeper', 'cp-zookeeper'] },
  { family: 'nats', kind: 'broker', names: ['nats', 'nats-streaming'] },
  { family: 'mosquitto', kind: 'broker', names: ['eclipse-mosquitto', 'mosquitto', 'emqx'] },
  { family: 'activemq', kind: 'broker', names: ['activemq', 'activemq-artemis', 'artemis'] },
  { family: 'pulsar', kind: 'broker', names: ['pulsar'] },
  { family: 'elasticmq', kind: 'queue', names: ['elasticmq', 'elasticmq-native'] },
  { family: 'minio', kind: 'object store', names: ['minio'] },
  { family: 'azurite', kind: 'cloud emulator', names: ['azurite'] },
  { family: 'fake-gcs-server', kind: 'cloud emulator', names: ['fake-gcs-server'] },
  { family: 'localstack', kind: 'cloud emulator', names: ['localstack'] },
  { family: 'dynamodb-local', kind: 'cloud emulator', names: ['dynamodb-local', 'dynamodb'] },
  { family: 'elasticsearch', kind: 'search engine', names: ['elasticsearch', 'opensearch'] },
  { family: 'solr', kind: 'search engine', names: ['solr'] },
  { family: 'meilisearch', kind: 'search engine', names: ['meilisearch'] },
  { family: 'typesense', kind: 'search engine', names: ['typesense'] },
  { family: 'qdrant', kind: 'vector database', names: ['qdrant'] },
  { family: 'milvus', kind: 'vector database', names: ['milvus'] },
  { family: 'weaviate', kind: 'vector database', names: ['weaviate'] },
  { family: 'chroma', kind: 'vector database', names: ['chroma', 'chromadb'] },
  { family: 'etcd', kind: 'coordination service', names: ['etcd'] },
  { family: 'consul', kind: 'coordination service', names: ['consul'] },
];

const BY_NAME = new Map<string, BackingImage>(FAMILIES.flatMap((f) => f.names.map((n) => [n, f] as const)));

/**
 * The last path segment of an image reference without registry, tag or digest, lowercased:
 * "docker.io/library/postgres:16" -> "postgres", "bitnami/redis@sha256:..." -> "redis".
 */
export function imageLastSegment(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const last = noDigest.split('/').pop() ?? noDigest;
  return (last.split(':')[0] ?? last).toLowerCase();
}

/**
 * The backing family an image belongs to: its last segment is a known name (`qdrant/qdrant`,
 * `confluentinc/cp-kafka`) or ends with `-<known name>` (`acme/billing-mongodb`, an image built for a
 * database). Images given only by a variable are not guessed.
 */
export function backingImage(image: string): BackingImage | undefined {
  if (image === '' || image.includes('$')) return undefined;
  if (familyOfImage.has(image)) return familyOfImage.get(image);
  const last = imageLastSegment(image);
  const family =
    BY_NAME.get(last) ?? BY_SUFFIX.find(([suffixes]) => suffixes.some((x) => last.endsWith(x)))?.[1];
  familyOfImage.set(image, family);
  return family;
}

/** `-<name>` and `_<name>` per known name ("pg" alone is too short to recognise inside a longer name). */
const BY_SUFFIX: readonly [readonly string[], BackingImage][] = [...BY_NAME]
  .filter(([name]) => name.length > 2)
  .map(([name, family]) => [[`-${name}`, `_${name}`], family]);

/** Answers by image reference: every service and every environment asks again for the same images. */
const familyOfImage = new Map<string, BackingImage | undefined>();
