/** The plan model (src/model.ts). */
export type { ChangeOp, Change, Reference, PlanInput, Plan, PlanAdjustment } from '../model.js';
