/** The configuration file's shape (src/model.ts). */
export type { MigrateConfig, LoadedConfig } from '../model.js';
