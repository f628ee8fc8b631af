import type { AggregateRef } from '@opsledger/contracts';

/** The chain: every entry, in order, on evt.audit.chain.main. */
export const chainRef: AggregateRef = { context: 'audit', type: 'chain', id: 'main' };
/** Retention's checkpoints, beside the chain: evt.audit.chain.checkpoints. */
export const checkpointsRef: AggregateRef = { context: 'audit', type: 'chain', id: 'checkpoints' };
/** Settings → Retention: evt.settings.section.retention. */
export const retentionSectionRef: AggregateRef = { context: 'settings', type: 'section', id: 'retention' };
