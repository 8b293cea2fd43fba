import { describe, expect, it } from 'vitest';
import { parseShortPort, referencedService, splitOutside } from '../../src/compose/short-syntax.js';
import { portKey } from '../../src/compose/merge.js';

describe('short port syntax', () => {
  it.each([
    ['5432', { hostIp: '', published: '', target: '5432', protocol: 'tcp' }],
    ['9000:8000', { hostIp: '', published: '9000', target: '8000', protocol: 'tcp' }],
    ['127.0.0.1:53:53/udp', { hostIp: '127.0.0.1', published: '53', target: '53', protocol: 'udp' }],
    ['[::1]:80:80', { hostIp: '::1', published: '80', target: '80', protocol: 'tcp' }],
    ['${PG_PORT:-5432}:5432', { hostIp: '', published: '${PG_PORT:-5432}', target: '5432', protocol: 'tcp' }],
    [
      '${BIND:-0.0.0.0}:${PORT:-80}:80',
      { hostIp: '${BIND:-0.0.0.0}', published: '${PORT:-80}', target: '80', protocol: 'tcp' },
    ],
    ['8000-8010:8000-8010', { hostIp: '', published: '8000-8010', target: '8000-8010', protocol: 'tcp' }],
  ])('%s', (spec, expected) => {
    expect(parseShortPort(spec)).toEqual(expected);
  });

  it('keys a variable port by its published text, not by a colon inside the variable', () => {
    expect(portKey('${PG_PORT:-5432}:5432')).toBe('|${PG_PORT:-5432}|5432|tcp');
    expect(portKey('${PG_PORT:-5432}:5432')).not.toBe(portKey('${PG_PORT:-5433}:5432'));
  });

  it('splits volumes outside variables', () => {
    expect(splitOutside('${DATA:-/srv/data}:/data:ro', ':')).toEqual(['${DATA:-/srv/data}', '/data', 'ro']);
  });
});

describe('referencedService', () => {
  it('reads the service of links and volumes_from entries in every spelling, and no service from a container', () => {
    expect(referencedService('db')).toBe('db');
    expect(referencedService('db:alias')).toBe('db');
    expect(referencedService('db:ro')).toBe('db');
    expect(referencedService('service:db')).toBe('db');
    expect(referencedService('service:db:ro')).toBe('db');
    expect(referencedService('container:builder')).toBeUndefined();
  });
});
