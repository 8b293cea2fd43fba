/** The analysis stage's share of the domain model (src/model.ts). */
export type {
  EnvName,
  Environment,
  ComponentKind,
  EdgeKind,
  EdgeRole,
  DependencyEdge,
  AttributionEvidence,
  Attribution,
  TestRunner,
  Component,
  FindingLevel,
  Finding,
  Decision,
  Adjustment,
  Analysis,
} from '../model.js';
