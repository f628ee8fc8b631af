import type { AggregateRef } from '@opsledger/contracts';

export const attemptRef = (attemptId: string): AggregateRef => ({ context: 'logins', type: 'attempt', id: attemptId });
export const blockRef = (blockId: string): AggregateRef => ({ context: 'logins', type: 'block', id: blockId });
export const securitySectionRef: AggregateRef = { context: 'settings', type: 'section', id: 'security' };
/** Settings → Retention (the audit service's section; this service reads its IP-log period): evt.settings.section.retention. */
export const retentionSectionRef: AggregateRef = { context: 'settings', type: 'section', id: 'retention' };
/** One IP Log prune: evt.logins.log-prune.<prune id>. */
export const logPruneRef = (pruneId: string): AggregateRef => ({ context: 'logins', type: 'log-prune', id: pruneId });
