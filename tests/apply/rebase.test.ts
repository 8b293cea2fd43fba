import { describe, expect, it } from 'vitest';
import { isLocalRelativePath, rebaseFromRoot } from '../../src/apply/rebase.js';

describe('rebaseFromRoot', () => {
  it.each([
    ['.', 'pourtier', '..'],
    ['./pourtier', 'pourtier', '.'],
    ['./pourtier/src', 'pourtier', './src'],
    ['./postgres/init-scripts', 'pourtier', '../postgres/init-scripts'],
    ['.', 'apps/api', '../..'],
    ['./apps/api/src', 'apps/api', './src'],
    ['./apps/web/public', 'apps/api', '../web/public'],
    ['./shared/.env', 'apps/api', '../../shared/.env'],
    ['pourtier/src', 'pourtier', './src'],
    ['../outside', 'pourtier', '../../outside'],
    ['./data/', 'pourtier', '../data/'],
    ['./pourtier/${SUBDIR}/x', 'pourtier', './${SUBDIR}/x'],
  ])('%s seen from %s is %s', (p, dir, want) => {
    expect(rebaseFromRoot(p, dir)).toBe(want);
  });

  it.each(['~/.ssh', '/var/run/docker.sock', '${HOME}/x', '${PWD:-.}/data', 'https://github.com/a/b.git', 'git@github.com:a/b.git', 'docker-image://alpine'])(
    'leaves %s untouched',
    (p) => {
      expect(isLocalRelativePath(p)).toBe(false);
      expect(rebaseFromRoot(p, 'apps/api')).toBe(p);
    },
  );
});
