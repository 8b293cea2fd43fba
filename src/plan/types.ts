/** The plan model (src/model.ts). */
export type { ChangeOp, Change, Reference, PlanInput, Plan } from '../model.js';
