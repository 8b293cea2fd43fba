import { describe, expect, it } from 'vitest';
import { composeExtension, composeFileName } from '../../src/generate/file-names.js';

describe('component compose file names', () => {
  it('follows the root files extension', () => {
    expect(composeFileName('dev', ['docker-compose.yml', 'docker-compose.dev.yml'])).toBe(
      'docker-compose.yml',
    );
    expect(composeFileName('test', ['docker-compose.test.yaml'])).toBe('docker-compose.test.yaml');
    expect(composeFileName('prod', ['docker-compose.production.yaml'])).toBe(
      'docker-compose.production.yaml',
    );
    expect(composeFileName('alpine-test', ['docker-compose.alpine-test.yml'])).toBe(
      'docker-compose.alpine-test.yml',
    );
    expect(composeExtension(['compose.yaml', 'docker-compose.dev.yml'])).toBe('.yaml');
    expect(composeExtension([])).toBe('.yaml');
  });

  it('lets configuration name the file', () => {
    expect(composeFileName('test', ['docker-compose.test.yml'], { test: 'compose.ci.yaml' })).toBe(
      'compose.ci.yaml',
    );
  });
});
