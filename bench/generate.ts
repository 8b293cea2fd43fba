import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Synthetic monorepos shaped like the real ones in the seeds: a root `docker-compose.yml` base with
 * `docker-compose.dev.yml` and `docker-compose.test.yml` layers, every component with its own
 * database and cache (`<component>-db` on postgres, `<component>-cache` on redis), components in
 * groups that share a message broker, peer calls through environment URLs, bind mounts and named
 * volumes. Every fourth component reaches its cache only through a variable (no edge), so only its
 * name ties the cache to it. Every component owns `servicesPerComponent` services, so attribution,
 * edge finding and conflict resolution all have real work to do. Every component must come out as
 * a compose component. Output is deterministic for a given size.
 */
export interface GenerateOptions {
  components: number;
  /** Services each component owns (the api, its worker, ...). Default 5. */
  servicesPerComponent?: number;
  /** Components sharing one message broker. Default 10. */
  groupSize?: number;
}

export interface GeneratedRepo {
  root: string;
  components: string[];
  /** Services owned by components (backing services not counted). */
  serviceCount: number;
  backingServices: string[];
  /** Per component, the backing services its files must hold: its own database and cache, and its group's broker. */
  expectedBacking: Record<string, string[]>;
  files: { base: string; dev: string; test: string };
}

const ROLES = ['api', 'worker', 'scheduler', 'migrate', 'consumer', 'beat', 'admin', 'cron'] as const;
const MANIFESTS = [
  { file: 'pyproject.toml', text: (n: string) => `[project]\nname = "${n}"\nversion = "0.1.0"\n` },
  {
    file: 'package.json',
    text: (n: string) =>
      `${JSON.stringify({ name: n, version: '0.1.0', scripts: { test: 'node --test' } }, null, 2)}\n`,
  },
  { file: 'go.mod', text: (n: string) => `module example.com/${n}\n\ngo 1.22\n` },
] as const;

const pad = (n: number, width = 3): string => String(n).padStart(width, '0');

/** Half the components sit at the top level, half under `apps/`, as in mixed monorepos. */
function componentPath(i: number): { name: string; path: string } {
  const name = `comp${pad(i)}`;
  return { name, path: i % 2 === 0 ? `apps/${name}` : name };
}

function serviceName(component: string, role: number): string {
  return role === 0
    ? component
    : `${component}-${ROLES[role % ROLES.length] ?? 'extra'}${role >= ROLES.length ? role : ''}`;
}

export function generateMonorepo(root: string, opts: GenerateOptions): GeneratedRepo {
  const perComponent = opts.servicesPerComponent ?? 5;
  const groupSize = opts.groupSize ?? 10;
  const groups = Math.ceil(opts.components / groupSize);
  mkdirSync(root, { recursive: true });

  const base: string[] = [
    '# Generated synthetic monorepo: shared infrastructure and every component service.',
    'services:',
  ];
  const dev: string[] = [
    '# Development overrides: source mounts, debug settings, published ports.',
    'services:',
  ];
  const test: string[] = ['# Test overrides: test databases, alternate host ports.', 'services:'];
  const volumes: string[] = [];
  const backing: string[] = [];

  for (let g = 0; g < groups; g++) {
    const broker = `mq-g${pad(g, 2)}`;
    backing.push(broker);
    base.push(`  ${broker}:`, `    image: rabbitmq:3-management`);
    dev.push(`  ${broker}:`, `    ports:`, `      - "${17000 + g}:5672"`);
  }

  const components: string[] = [];
  const expectedBacking: Record<string, string[]> = {};
  let serviceCount = 0;
  for (let i = 0; i < opts.components; i++) {
    const { name, path } = componentPath(i);
    components.push(name);
    const g = Math.floor(i / groupSize);
    const broker = `mq-g${pad(g, 2)}`;
    const pg = `${name}-db`;
    const redis = `${name}-cache`;
    // Every fourth component finds its cache through a variable: no edge, only the name ties it.
    const cacheByName = i % 4 === 3;
    backing.push(pg, redis);
    expectedBacking[name] = [broker, redis, pg].sort();
    base.push(
      `  ${pg}:`,
      `    image: postgres:16-alpine`,
      `    environment:`,
      `      POSTGRES_USER: \${POSTGRES_USER:-app}`,
      `      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-app}`,
      `    volumes:`,
      `      - ${pg}-data:/var/lib/postgresql/data`,
      `    healthcheck:`,
      `      test: ["CMD-SHELL", "pg_isready -U app"]`,
      `      interval: 5s`,
      `  ${redis}:`,
      `    image: redis:7-alpine`,
      `    command: redis-server --appendonly yes`,
    );
    dev.push(
      `  ${pg}:`,
      `    ports:`,
      `      - "${15000 + i}:5432"`,
      `  ${redis}:`,
      `    ports:`,
      `      - "${16000 + i}:6379"`,
    );
    test.push(
      `  ${pg}:`,
      `    ports:`,
      `      - "${25000 + i}:5432"`,
      `    tmpfs:`,
      `      - /var/lib/postgresql/data`,
    );
    volumes.push(`  ${pg}-data:`);
    // Every third component calls the previous one: a peer edge found only in `environment`.
    const peer = i % 3 === 2 ? componentPath(i - 1).name : undefined;
    const manifest = MANIFESTS[i % MANIFESTS.length] ?? MANIFESTS[0];

    const dir = join(root, path);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "${name}"]\n`,
    );
    writeFileSync(join(dir, manifest.file), manifest.text(name));
    writeFileSync(join(dir, 'src', 'main.py'), `print("${name}")\n`);

    for (let r = 0; r < perComponent; r++) {
      const svc = serviceName(name, r);
      serviceCount++;
      const port = 20000 + i * perComponent + r;
      base.push(`  ${svc}:`);
      if (r === 0) {
        base.push(`    build: ./${path}`, `    image: ${name}:latest`);
      } else if (r % 2 === 1) {
        // Root context with a component dockerfile, as in the lumiere layout.
        base.push(`    build:`, `      context: .`, `      dockerfile: ${path}/Dockerfile`);
      } else {
        base.push(`    image: ${name}:latest`);
      }
      if (r > 0) base.push(`    command: ["python", "-m", "${name}.${ROLES[r % ROLES.length] ?? 'extra'}"]`);
      base.push(
        `    environment:`,
        `      DATABASE_URL: postgres://app:app@${pg}:5432/${name}`,
        cacheByName
          ? `      REDIS_URL: \${${name.toUpperCase()}_REDIS_URL:-redis://localhost:6379/${r}}`
          : `      REDIS_URL: redis://${redis}:6379/${r}`,
        `      AMQP_URL: amqp://guest:guest@${broker}:5672/`,
        `      LOG_LEVEL: \${LOG_LEVEL:-info}`,
      );
      if (peer && r === 0) base.push(`      PEER_URL: http://${peer}:8080`);
      base.push(`    depends_on:`, `      - ${pg}`);
      if (r % 2 === 0 && !cacheByName) base.push(`      - ${redis}`);
      if (r === 0) {
        base.push(`    volumes:`, `      - ${name}-cache:/var/cache/${name}`);
        volumes.push(`  ${name}-cache:`);
      }

      dev.push(
        `  ${svc}:`,
        `    environment:`,
        `      DEBUG: "1"`,
        `      RELOAD: "true"`,
        `    volumes:`,
        `      - ./${path}/src:/app/src`,
      );
      if (r === 0) dev.push(`    ports:`, `      - "${port}:8080"`);

      test.push(
        `  ${svc}:`,
        `    environment:`,
        `      DATABASE_URL: postgres://app:app@${pg}:5432/${name}_test`,
        `      TESTING: "1"`,
      );
      if (r === 0) test.push(`    ports:`, `      - "${port + 10000}:8080"`);
    }
  }

  base.push('volumes:', ...volumes);
  const files = {
    base: 'docker-compose.yml',
    dev: 'docker-compose.dev.yml',
    test: 'docker-compose.test.yml',
  };
  writeFileSync(join(root, files.base), `${base.join('\n')}\n`);
  writeFileSync(join(root, files.dev), `${dev.join('\n')}\n`);
  writeFileSync(join(root, files.test), `${test.join('\n')}\n`);
  writeFileSync(join(root, '.env'), 'LOG_LEVEL=debug\nPOSTGRES_USER=app\n');
  writeFileSync(
    join(root, 'README.md'),
    `Synthetic monorepo: ${opts.components} components x ${perComponent} services.\n`,
  );
  return { root, components, serviceCount, backingServices: backing, expectedBacking, files };
}
