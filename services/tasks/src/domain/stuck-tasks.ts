import { validStepTimeout } from './task-params';
import { TASK_STEPS } from './task-steps';

/**
 * When a running task counts as stuck: its type's whole time budget (each
 * of its steps may take up to the step timeout) has passed since its last
 * sign of life (started, progress, or a log line of its own). The sweep's
 * warning line is written under this step and is no sign of life, so a
 * stall is warned about once, and again only after the task moved.
 */
export const STUCK_STEP = 'stuck-sweep';

/** The budget of a task of `type`: its steps × the step timeout (a type without steps counts as one). */
export function stuckBudgetMs(type: string, stepTimeoutMs: number): number {
  return Math.max(1, TASK_STEPS[type]?.length ?? 0) * stepTimeoutMs;
}

/**
 * The step timeout a task runs with: its own params.stepTimeoutMs, or the service's default. A stored value the
 * rules refuse (a TaskCreated from before they existed: fractional, or past a Postgres integer) falls back to the
 * default rather than failing the dispatcher's insert and leaving the task pending for ever.
 */
export function stepTimeoutOf(params: Record<string, unknown> | undefined, defaultMs: number): number {
  return validStepTimeout(params?.stepTimeoutMs) ?? defaultMs;
}

export function stuckWarning(stalledMs: number, type: string, stepTimeoutMs: number): string {
  const steps = Math.max(1, TASK_STEPS[type]?.length ?? 0);
  const s = (ms: number) => Math.round(ms / 1000);
  return `no progress for ${s(stalledMs)} s, past its ${s(stuckBudgetMs(type, stepTimeoutMs))} s budget (${steps} step${steps === 1 ? '' : 's'} × ${s(stepTimeoutMs)} s): its worker may be stuck or gone`;
}
