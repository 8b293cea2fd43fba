import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Starts the compose infrastructure a component's tests need. */
export class DockerExecutor {
  private readonly composeFile: string;
  private started = false;

  constructor(private readonly root: string) {
    this.composeFile = path.join(root, 'docker-compose.test.yml');
  }

  up(component: string): boolean {
    if (this.started) return true;
    if (!fs.existsSync(this.composeFile)) {
      console.warn('No docker-compose.test.yml found');
      return false;
    }
    const res = spawnSync('docker', ['compose', '-f', this.composeFile, 'up', '-d', '--wait'], { cwd: this.root, stdio: 'inherit' });
    this.started = res.status === 0;
    return this.started;
  }

  down(): void {
    spawnSync('docker', ['compose', '-f', this.composeFile, 'down', '-v'], { cwd: this.root, stdio: 'inherit' });
  }
}
