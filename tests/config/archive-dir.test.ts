import { describe, expect, it } from 'vitest';
import { archiveFolder } from '../../src/config/archive-dir.js';

describe('archiveFolder', () => {
  it('spells the configured folder as repo-relative paths do, todo by default', () => {
    expect(archiveFolder(undefined)).toBe('todo');
    for (const spelled of ['old/root', './old/root', 'old/root/', './old/root//', 'old//root'])
      expect(archiveFolder(spelled), spelled).toBe('old/root');
  });
});
