/**
 * hold: the stage between decide and sign for calls the policy held. It opens (or re-joins) the call's approval,
 * keeps the agent's connection open while humans decide, and lets the call through once, or answers it.
 */
export { createHoldStage, type HeldAgent, type HoldDecision, type HoldOutcome, type HoldStage } from './hold-call.js';
