import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/analysis/types.js';
import { answersToEdits, applyEdits, isSettled, openDecisions } from '../../src/config/answers.js';
import { parseConfig } from '../../src/config/load.js';
import { mergeConfigText } from '../../src/config/write.js';
import { MigrateError } from '../../src/errors.js';

const env: Decision = {
  id: 'environment:deploy/docker-compose.staging.yml',
  kind: 'environment',
  question: '?',
  choices: ['base', 'dev', 'test', 'prod', 'ignore'],
  configKey: 'environments["deploy/docker-compose.staging.yml"]',
  configPath: ['environments', 'deploy/docker-compose.staging.yml'],
};
const owner: Decision = {
  id: 'attribution:worker',
  kind: 'attribution',
  question: '?',
  choices: ['api', 'backing'],
  configKey: 'services.worker',
  configPath: ['services', 'worker'],
};
const peer = (component: string, service: string): Decision => ({
  id: `peer:${component}:${service}`,
  kind: 'peer',
  question: '?',
  choices: ['no', 'yes'],
  default: 'no',
  configKey: `peers.${component}`,
  configPath: ['peers', component],
  service,
  flag: '--with-peers',
});
const port: Decision = {
  id: 'port:app:dev:postgres:5432',
  kind: 'port',
  question: '?',
  choices: ['shift', 'keep'],
  default: 'shift',
  answer: 'shift',
  configKey: 'ports',
  configPath: ['ports'],
};
const names: Decision = {
  id: 'container-name:db',
  kind: 'container-name',
  question: '?',
  choices: ['scope', 'keep', 'drop'],
  default: 'scope',
  answer: 'scope',
  configKey: 'containerNames',
  configPath: ['containerNames'],
};

describe('answers', () => {
  it('a default the plan filled in is not an answer; config and flags are', () => {
    expect(isSettled(port, {})).toBe(false);
    expect(isSettled(port, { ports: 'shift' })).toBe(true);
    expect(isSettled(names, { containerNames: 'drop' })).toBe(true);
    expect(isSettled(peer('app', 'api'), {})).toBe(false);
    expect(isSettled(peer('app', 'api'), { peers: { chat: true } })).toBe(false);
    expect(isSettled(peer('app', 'api'), { peers: { app: [] } })).toBe(true);
    expect(isSettled(peer('app', 'api'), {}, { withPeers: true })).toBe(true);
  });

  it('openDecisions keeps one per id, in order, and skips settled ones', () => {
    const f = (decision: Decision) => ({ level: 'decision' as const, code: 'x', message: 'm', decision });
    expect(
      openDecisions([f(port), f(env), f(port), f(peer('app', 'api'))], { peers: { app: false } }).map(
        (d) => d.id,
      ),
    ).toEqual([port.id, env.id]);
  });

  it('answers become config edits: peers of one component gather into one list', () => {
    const edits = answersToEdits([
      { decision: env, answer: 'prod' },
      { decision: owner, answer: 'backing' },
      { decision: peer('app', 'web'), answer: 'yes' },
      { decision: peer('app', 'api'), answer: 'yes' },
      { decision: peer('chat', 'api'), answer: 'no' },
      { decision: port, answer: 'keep' },
      { decision: names, answer: 'drop' },
    ]);
    expect(edits).toEqual([
      { path: ['environments', 'deploy/docker-compose.staging.yml'], value: 'prod' },
      { path: ['services', 'worker'], value: 'backing' },
      { path: ['ports'], value: 'keep' },
      { path: ['containerNames'], value: 'drop' },
      { path: ['peers', 'app'], value: ['api', 'web'] },
      { path: ['peers', 'chat'], value: [] },
    ]);
    const config = { services: { api: 'api' }, peers: { gateway: true } };
    const next = applyEdits(config, edits);
    expect(next).toEqual({
      services: { api: 'api', worker: 'backing' },
      peers: { gateway: true, app: ['api', 'web'], chat: [] },
      environments: { 'deploy/docker-compose.staging.yml': 'prod' },
      ports: 'keep',
      containerNames: 'drop',
    });
    expect(config).toEqual({ services: { api: 'api' }, peers: { gateway: true } });
    // What the edits produce is a config the loader accepts.
    expect(() => parseConfig('c.yaml', JSON.stringify(next))).not.toThrow();
  });

  it('an answer outside the choices is refused', () => {
    expect(() => answersToEdits([{ decision: port, answer: 'move' }])).toThrow(/not a choice/);
  });
});

describe('mergeConfigText', () => {
  const edits = answersToEdits([
    { decision: env, answer: 'test' },
    { decision: peer('app', 'api'), answer: 'yes' },
    { decision: port, answer: 'keep' },
  ]);

  it('keeps every comment, key order and quoting of an existing YAML config', () => {
    const before = [
      '# Migration settings for the platform team.',
      'archiveDir: "todo" # old root files',
      '',
      '# which files count',
      'environments:',
      '  docker-compose.local.yml: dev # laptops only',
      'ports: shift',
      '',
    ].join('\n');
    const after = mergeConfigText('compose-migrate.config.yaml', before, edits);
    expect(after).toBe(
      [
        '# Migration settings for the platform team.',
        'archiveDir: "todo" # old root files',
        '',
        '# which files count',
        'environments:',
        '  docker-compose.local.yml: dev # laptops only',
        '  deploy/docker-compose.staging.yml: test',
        'ports: keep',
        'peers:',
        '  app: [ api ]',
        '',
      ].join('\n'),
    );
  });

  it('starts a new file with a header saying what it is', () => {
    const text = mergeConfigText('compose-migrate.config.yaml', undefined, edits);
    expect(text.startsWith('# compose-migrate answers')).toBe(true);
    expect(parseConfig('compose-migrate.config.yaml', text)).toEqual({
      environments: { 'deploy/docker-compose.staging.yml': 'test' },
      ports: 'keep',
      peers: { app: ['api'] },
    });
  });

  it('replaces a parent the user left empty', () => {
    const text = mergeConfigText('c.yaml', 'peers:\nenvironments: {}\n', edits);
    expect(parseConfig('c.yaml', text)).toEqual({
      environments: { 'deploy/docker-compose.staging.yml': 'test' },
      ports: 'keep',
      peers: { app: ['api'] },
    });
  });

  it('merges into JSON as JSON', () => {
    const text = mergeConfigText(
      'compose-migrate.config.json',
      '{"archiveDir": "old", "ports": "shift"}',
      edits,
    );
    expect(JSON.parse(text)).toEqual({
      archiveDir: 'old',
      ports: 'keep',
      environments: { 'deploy/docker-compose.staging.yml': 'test' },
      peers: { app: ['api'] },
    });
  });

  it('refuses a config that does not parse, or would not load after the merge', () => {
    expect(() => mergeConfigText('c.yaml', 'ports: [unclosed\n', edits)).toThrow(MigrateError);
    expect(() => mergeConfigText('c.yaml', '- a list\n', edits)).toThrow(/mapping/);
    // An unknown key already there: the loader would refuse the result, so nothing is produced.
    expect(() => mergeConfigText('c.yaml', 'portz: keep\n', edits)).toThrow(/unknown key/);
  });
});
