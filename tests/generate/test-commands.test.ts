import { describe, expect, it } from 'vitest';
import { checkedRunner, existingTestFile, testRunnerService } from '../../src/generate/test-commands.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { component, project } from './helpers.js';

const runner = (command: string, unitCommand: string, manifest: string) => ({
  command,
  unitCommand,
  manifest,
});

describe('test commands checked against the repository', () => {
  it('npm test only with a real test script; test:unit only when it exists', () => {
    const snap = new MemorySnapshot({
      'web/package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }),
      'api/package.json': JSON.stringify({ scripts: { test: 'vitest run', 'test:unit': 'vitest run unit' } }),
    });
    const npm = runner('npm test', 'npm run test:unit --if-present', '');
    expect(
      checkedRunner(component('web', 'web', [], { runner: { ...npm, manifest: 'web/package.json' } }), snap),
    ).toMatchObject({ command: '', unitCommand: '' });
    expect(
      checkedRunner(component('api', 'api', [], { runner: { ...npm, manifest: 'api/package.json' } }), snap),
    ).toMatchObject({ command: 'npm test', unitCommand: 'npm run test:unit' });
  });

  it('pytest tests/unit only when the folder exists', () => {
    const snap = new MemorySnapshot({ 'a/tests/unit/test_x.py': '', 'b/tests/test_y.py': '' });
    expect(checkedRunner(component('a', 'a', []), snap).unitCommand).toBe('pytest tests/unit');
    expect(checkedRunner(component('b', 'b', []), snap).unitCommand).toBe('');
  });

  it('gradle and maven wrappers at the root are called from there; .NET is recognised', () => {
    const snap = new MemorySnapshot({
      gradlew: '#!/bin/sh\n',
      mvnw: '#!/bin/sh\n',
      'services/billing/build.gradle': '',
      'services/ledger/pom.xml': '<project/>',
      'tools/Report.csproj': '<Project/>',
    });
    const g = component('billing', 'services/billing', [], {
      runner: runner('./gradlew test', './gradlew test', 'services/billing/build.gradle'),
    });
    expect(checkedRunner(g, snap).command).toBe('cd ../.. && ./gradlew -p services/billing test');
    const m = component('ledger', 'services/ledger', [], {
      runner: runner('mvn -q test', 'mvn -q test', 'services/ledger/pom.xml'),
    });
    expect(checkedRunner(m, snap).command).toBe('cd ../.. && ./mvnw -q -f services/ledger/pom.xml test');
    const d = component('tools', 'tools', [], { runner: runner('', '', '') });
    expect(checkedRunner(d, snap).command).toBe('dotnet test');
    expect(checkedRunner(m, new MemorySnapshot({ 'services/ledger/pom.xml': '' })).command).toBe(
      'mvn -q test',
    );
  });

  it('an existing component test compose file is found', () => {
    const snap = new MemorySnapshot({ 'result/docker-compose.test.yml': 'services: {}\n' });
    expect(existingTestFile(component('result', 'result', []), snap)).toBe('docker-compose.test.yml');
    expect(existingTestFile(component('vote', 'vote', []), snap)).toBeUndefined();
  });

  it('the test runner is the own service that only stays up and mounts the component sources', () => {
    const p = project('test', {
      api: { image: 'api:dev', command: 'uvicorn app:main' },
      'api-runner': { image: 'api:dev', command: ['sleep', 'infinity'], volumes: ['./api/src:/app/src:ro'] },
      'shared-runner': { image: 'x', command: 'tail -f /dev/null', volumes: ['./shared:/shared'] },
      db: { image: 'postgres:16' },
    });
    expect(testRunnerService(component('api', 'api', ['api', 'api-runner', 'shared-runner']), p)).toBe(
      'api-runner',
    );
    // Kept alive but mounting nothing of the component: not its runner.
    expect(testRunnerService(component('tools', 'tools', ['shared-runner', 'db']), p)).toBeUndefined();
  });
});
