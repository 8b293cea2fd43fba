import type { CodemodContext } from '../../src/codemods/types.js';

export function lumiereContext(archive: boolean): CodemodContext {
  return {
    components: [
      { name: 'pourtier', path: 'pourtier', testComposeFile: 'pourtier/docker-compose.test.yaml' },
      { name: 'passeur', path: 'passeur', testComposeFile: 'passeur/docker-compose.test.yaml' },
      { name: 'courier', path: 'courier' },
      { name: 'laborant', path: 'laborant' },
    ],
    rootComposeFiles: [
      { path: 'docker-compose.development.yaml', env: 'dev' },
      { path: 'docker-compose.test.yaml', env: 'test' },
      { path: 'docker-compose.production.yaml', env: 'prod' },
    ],
    archiveDir: 'todo',
    archivedPaths: archive
      ? {
          'docker-compose.development.yaml': 'todo/docker-compose.development.yaml',
          'docker-compose.test.yaml': 'todo/docker-compose.test-1.yaml',
          'docker-compose.production.yaml': 'todo/docker-compose.production.yaml',
        }
      : {},
    fileNames: {
      dev: 'docker-compose.yaml',
      test: 'docker-compose.test.yaml',
      prod: 'docker-compose.production.yaml',
    },
  };
}

export function jsContext(archive: boolean): CodemodContext {
  return {
    components: [
      { name: 'api', path: 'packages/api', testComposeFile: 'packages/api/docker-compose.test.yml' },
      { name: 'worker', path: 'packages/worker', testComposeFile: 'packages/worker/docker-compose.test.yml' },
      { name: 'web', path: 'packages/web' },
    ],
    rootComposeFiles: [
      { path: 'docker-compose.yml', env: 'base' },
      { path: 'docker-compose.test.yml', env: 'test' },
    ],
    archiveDir: 'todo',
    archivedPaths: archive
      ? {
          'docker-compose.yml': 'todo/docker-compose.yml',
          'docker-compose.test.yml': 'todo/docker-compose.test.yml',
        }
      : {},
    fileNames: { dev: 'docker-compose.yml', test: 'docker-compose.test.yml' },
  };
}
