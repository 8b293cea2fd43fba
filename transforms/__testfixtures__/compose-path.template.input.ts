import { spawnSync } from 'node:child_process'

export function down(root: string, component: string) {
  spawnSync('docker', ['compose', '-f', `${root}/docker-compose.test.yml`, 'down', '-v'])
}
