import { describe, expect, it } from 'vitest';
import { shiftHostPort, shiftPublished } from '../../src/generate/ports.js';

describe('shiftPublished', () => {
  it.each([
    ['5432', '5432', '5434', '5434'],
    ['${PG_PORT:-5432}', '5432', '5434', '${PG_PORT:-5434}'],
    ['${PG_PORT-5432}', '5432', '5434', '${PG_PORT-5434}'],
    // Analysis may name the whole interpolated text: then the whole published part is replaced.
    ['${PG_PORT:-5432}', '${PG_PORT:-5432}', '5434', '5434'],
    ['${PG_PORT}', '5432', '5434', undefined],
    ['${PG_PORT:-15432}', '5432', '5434', undefined],
    ['8000-8001', '8000', '9000', undefined],
  ])('%s shifted %s -> %s is %s', (published, from, to, want) => {
    expect(shiftPublished(published, from, to)).toBe(want);
  });

  it('never touches the container port or another mapping', () => {
    const config = {
      ports: [
        '5432:5432',
        '[::1]:5432:5433',
        '5432',
        { target: 5432, published: '5432', host_ip: '127.0.0.1' },
      ],
    };
    expect(shiftHostPort(config, '5432', '5432', '6000')).toBe(true);
    expect(config.ports).toEqual([
      '6000:5432',
      '[::1]:5432:5433',
      '5432',
      { target: 5432, published: '6000', host_ip: '127.0.0.1' },
    ]);
  });
});
