import type { Projection, ProjectionRunnerOptions } from '@opsledger/eventstore';

/** The gateway's one database pool (every context's schema is reached through it). */
export const DATABASE = Symbol('DATABASE');
/** The stream/schema prefix and stream replicas the projections run with. */
export const PROJECTION_SETTINGS = Symbol('PROJECTION_SETTINGS');

/** A projection and what happens after each of its batches commits. */
export interface ProjectionEntry {
  projection: Projection;
  onCommitted?: ProjectionRunnerOptions['onCommitted'];
}

export interface ProjectionSettings {
  prefix: string;
  replicas: number;
}
