import path from "path";
import fs from "fs";

/** The component's own docker-compose.test.yml; the root file only as a deprecated fallback. */
function composeFileFor(root: string, component: string | undefined): string | null {
  if (component) {
    const composeFile = path.join(root, component, "docker-compose.test.yml");
    if (fs.existsSync(composeFile)) return composeFile;
  }
  // Fallback to the old location (during migration)
  for (const oldLocation of [path.join(root, "docker-compose.test.yml"), path.join(root, "todo", "docker-compose.test.yml")]) {
    if (fs.existsSync(oldLocation)) {
      console.warn(`Using deprecated ${oldLocation} for ${component}; expected ${component}/docker-compose.test.yml`);
      return oldLocation;
    }
  }
  return null;
}

export function composeArgs(root: string, componentName: string): string[] {
  const file = composeFileFor(root, componentName);
  return fs.existsSync(file) ? ["-f", file] : [];
}
