import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Starts the compose infrastructure a component's tests need. */
export class DockerExecutor {
  private composeFile: string | null;
  private started = false;

  constructor(private readonly root: string) {
    this.composeFile = null;
  }

  /** The component's own docker-compose.test.yml; the root file only as a deprecated fallback. */
  private composeFileFor(component?: string): string | null {
    if (component) {
      const composeFile = path.join(this.root, component, 'docker-compose.test.yml');
      if (fs.existsSync(composeFile)) return composeFile;
    }
    // Fallback to the old location (during migration)
    for (const oldLocation of [path.join(this.root, 'docker-compose.test.yml'), path.join(this.root, 'todo', 'docker-compose.test.yml')]) {
      if (fs.existsSync(oldLocation)) {
        console.warn(`Using deprecated ${oldLocation} for ${component}; expected ${component}/docker-compose.test.yml`);
        return oldLocation;
      }
    }
    return null;
  }

  up(component: string): boolean {
    this.composeFile = this.composeFileFor(component);
    if (this.started) return true;
    if (this.composeFile === null) {
      console.warn('No docker-compose.test.yml found');
      return false;
    }
    const res = spawnSync('docker', ['compose', '-f', this.composeFile, 'up', '-d', '--wait'], { cwd: this.root, stdio: 'inherit' });
    this.started = res.status === 0;
    return this.started;
  }

  down(): void {
    if (this.composeFile === null) return;
    spawnSync('docker', ['compose', '-f', this.composeFile, 'down', '-v'], { cwd: this.root, stdio: 'inherit' });
  }
}
