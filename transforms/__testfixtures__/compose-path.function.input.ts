import path from "path";
import fs from "fs";

export function composeArgs(root: string, componentName: string): string[] {
  const file = path.resolve(root, "docker-compose.test.yml");
  return fs.existsSync(file) ? ["-f", file] : [];
}
