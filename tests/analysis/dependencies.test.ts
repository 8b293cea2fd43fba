import { describe, expect, it } from 'vitest';
import { hostsIn } from '../../src/analysis/dependencies.js';

describe('hostnames in values', () => {
  it.each([
    ['postgresql://lumiere:pw@postgres:5432/db', ['postgres']],
    ['redis://redis', ['redis']],
    ['redis://:secret@cache:6379/0', ['cache']],
    ['http://courier:7765/ws', ['courier']],
    ['postgres:5432', ['postgres']],
    ['kafka-1:9092,kafka-2:9092', ['kafka-1', 'kafka-2']],
    ['--api http://api-gateway:8000', ['api-gateway']],
    ['development', []],
    ['--workers 4 --timeout=30', []],
  ])('%s', (value, hosts) => {
    expect(hostsIn(value, false).sort()).toEqual([...hosts].sort());
  });

  it('reads a bare value as a host only where the key says so', () => {
    expect(hostsIn('redis', true)).toEqual(['redis']);
    expect(hostsIn('redis', false)).toEqual([]);
    expect(hostsIn('etcd-1,etcd-2', true).sort()).toEqual(['etcd-1', 'etcd-2']);
  });
});
