/** The configuration file's shape (src/model.ts). */
export type { ConfigPath, MigrateConfig, LoadedConfig } from '../model.js';
