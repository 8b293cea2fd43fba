import { describe, expect, test } from 'vitest';
import { mergeServices, mergeTopLevel } from '../../src/compose/merge.js';
import type { YamlMap } from '../../src/compose/types.js';
import { tagged } from '../../src/compose/value.js';

const m = (base: YamlMap, override: YamlMap): YamlMap => mergeServices(base, override);

describe('mergeServices', () => {
  test('mappings merge recursively, scalars are replaced', () => {
    expect(
      m(
        { image: 'a', deploy: { resources: { limits: { cpus: '1' } } } },
        { image: 'b', deploy: { resources: { limits: { memory: '1g' } } } },
      ),
    ).toEqual({
      image: 'b',
      deploy: { resources: { limits: { cpus: '1', memory: '1g' } } },
    });
  });

  test('unknown sequences are appended', () => {
    expect(m({ group_add: ['a'] }, { group_add: ['b'] })).toEqual({ group_add: ['a', 'b'] });
  });

  test('ports merge by (ip, published, target, protocol), keeping each syntax', () => {
    const out = m(
      { ports: ['8000:8000', '127.0.0.1:9000:9000', { target: 53, published: 53, protocol: 'udp' }] },
      { ports: ['8000:8000', '8001:8000', '53:53/udp', '9000:9000'] },
    );
    expect(out.ports).toEqual(['8000:8000', '127.0.0.1:9000:9000', '53:53/udp', '8001:8000', '9000:9000']);
  });

  test('volumes merge by target; the override entry replaces in place', () => {
    const out = m(
      { volumes: ['data:/var/lib/data', './src:/app/src', { type: 'bind', source: './a', target: '/a' }] },
      { volumes: [{ type: 'volume', source: 'other', target: '/var/lib/data' }, '/anon', './b:/a:ro'] },
    );
    expect(out.volumes).toEqual([
      { type: 'volume', source: 'other', target: '/var/lib/data' },
      './src:/app/src',
      './b:/a:ro',
      '/anon',
    ]);
  });

  test('secrets and configs merge by target (default: source)', () => {
    const out = m(
      { secrets: ['db', { source: 'api', target: '/run/api' }] },
      {
        secrets: [
          { source: 'db', mode: 288 },
          { source: 'api2', target: '/run/api' },
        ],
      },
    );
    expect(out.secrets).toEqual([
      { source: 'db', mode: 288 },
      { source: 'api2', target: '/run/api' },
    ]);
  });

  test('expose, dns, dns_search, tmpfs, env_file are de-duplicated', () => {
    const out = m(
      {
        expose: ['80', 443],
        dns: ['8.8.8.8'],
        dns_search: ['a'],
        tmpfs: ['/tmp'],
        env_file: ['.env', { path: 'b.env', required: false }],
      },
      {
        expose: ['80', '443'],
        dns: ['8.8.8.8', '1.1.1.1'],
        dns_search: ['a'],
        tmpfs: ['/tmp', '/run'],
        env_file: ['.env', { path: 'b.env' }, 'c.env'],
      },
    );
    expect(out).toEqual({
      expose: ['80', '443'],
      dns: ['8.8.8.8', '1.1.1.1'],
      dns_search: ['a'],
      tmpfs: ['/tmp', '/run'],
      env_file: ['.env', { path: 'b.env' }, 'c.env'],
    });
  });

  test('environment/labels merge as mappings and keep the base syntax', () => {
    expect(m({ environment: ['A=1', 'B=2', 'C'] }, { environment: { B: '3', D: null } }).environment).toEqual(
      ['A=1', 'B=3', 'C', 'D'],
    );
    expect(m({ environment: { A: '1' } }, { environment: ['A=2', 'B=x=y'] }).environment).toEqual({
      A: '2',
      B: 'x=y',
    });
    expect(m({ labels: ['a.b=1'] }, { labels: ['a.b=2'] }).labels).toEqual(['a.b=2']);
    expect(m({}, { environment: ['A=1'] }).environment).toEqual(['A=1']);
  });

  test('extra_hosts, sysctls, ulimits merge by key', () => {
    expect(
      m({ extra_hosts: ['db:10.0.0.1', 'cache=10.0.0.2'] }, { extra_hosts: { db: '10.0.0.9' } }).extra_hosts,
    ).toEqual(['db:10.0.0.9', 'cache:10.0.0.2']);
    expect(
      m({ sysctls: { 'net.core.somaxconn': 1024 } }, { sysctls: ['net.ipv4.tcp_syncookies=0'] }).sysctls,
    ).toEqual({
      'net.core.somaxconn': 1024,
      'net.ipv4.tcp_syncookies': '0',
    });
    expect(
      m({ ulimits: { nofile: { soft: 1, hard: 2 }, nproc: 5 } }, { ulimits: { nofile: 10 } }).ulimits,
    ).toEqual({ nofile: 10, nproc: 5 });
  });

  test('command, entrypoint and healthcheck.test are replaced whole', () => {
    const out = m(
      { command: ['a', 'b'], entrypoint: ['x'], healthcheck: { test: ['CMD', 'a'], interval: '5s' } },
      { command: ['c'], entrypoint: 'sh -c y', healthcheck: { test: ['CMD', 'b'] } },
    );
    expect(out).toEqual({
      command: ['c'],
      entrypoint: 'sh -c y',
      healthcheck: { test: ['CMD', 'b'], interval: '5s' },
    });
  });

  test('depends_on: short + short stays short, otherwise long', () => {
    expect(m({ depends_on: ['a'] }, { depends_on: ['b', 'a'] }).depends_on).toEqual(['a', 'b']);
    expect(
      m({ depends_on: ['a', 'b'] }, { depends_on: { a: { condition: 'service_healthy' } } }).depends_on,
    ).toEqual({
      a: { condition: 'service_healthy' },
      b: { condition: 'service_started' },
    });
  });

  test('build: string and mapping', () => {
    expect(m({ build: './a' }, { build: './b' }).build).toBe('./b');
    expect(m({ build: './a' }, { build: { target: 'dev' } }).build).toEqual({
      context: './a',
      target: 'dev',
    });
    expect(m({ build: { context: '.', args: ['A=1'] } }, { build: { args: { B: '2' } } }).build).toEqual({
      context: '.',
      args: ['A=1', 'B=2'],
    });
  });

  test('logging: same driver merges options, another driver replaces', () => {
    const base = { logging: { driver: 'json-file', options: { 'max-size': '1m' } } };
    expect(m(base, { logging: { options: { 'max-file': '3' } } }).logging).toEqual({
      driver: 'json-file',
      options: { 'max-size': '1m', 'max-file': '3' },
    });
    expect(m(base, { logging: { driver: 'syslog' } }).logging).toEqual({ driver: 'syslog' });
  });

  test('networks: lists union, mixed forms become a mapping', () => {
    expect(m({ networks: ['a'] }, { networks: ['b', 'a'] }).networks).toEqual(['a', 'b']);
    expect(m({ networks: ['a'] }, { networks: { b: { aliases: ['x'] } } }).networks).toEqual({
      a: null,
      b: { aliases: ['x'] },
    });
  });

  test('!reset removes, !override replaces, at any depth', () => {
    const base: YamlMap = {
      ports: ['1:1'],
      volumes: ['a:/a'],
      environment: { A: '1', B: '2' },
      build: { context: '.', args: { X: '1' } },
    };
    const out = m(base, {
      ports: tagged('override', ['2:2']),
      volumes: tagged('reset', []),
      environment: { A: tagged('reset', null) },
      build: { args: tagged('override', { Y: '2' }) },
    });
    expect(out).toEqual({
      ports: ['2:2'],
      environment: { B: '2' },
      build: { context: '.', args: { Y: '2' } },
    });
  });

  test('inputs are not mutated', () => {
    const base: YamlMap = { environment: { A: '1' }, ports: ['1:1'] };
    const snapshot = JSON.stringify(base);
    m(base, { environment: { B: '2' }, ports: ['2:2'] });
    expect(JSON.stringify(base)).toBe(snapshot);
  });
});

test('mergeTopLevel merges definitions by name and honours !reset', () => {
  expect(
    mergeTopLevel(
      { proxy: { external: true }, data: null, old: { driver: 'local' } },
      {
        proxy: { external: false, driver: 'bridge' },
        data: { name: 'pinned' },
        old: tagged('reset', null),
        extra: null,
      },
    ),
  ).toEqual({ proxy: { external: false, driver: 'bridge' }, data: { name: 'pinned' }, extra: null });
});
