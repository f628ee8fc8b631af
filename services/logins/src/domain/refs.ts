import type { AggregateRef } from '@opsledger/contracts';

export const attemptRef = (attemptId: string): AggregateRef => ({ context: 'logins', type: 'attempt', id: attemptId });
export const blockRef = (blockId: string): AggregateRef => ({ context: 'logins', type: 'block', id: blockId });
export const securitySectionRef: AggregateRef = { context: 'settings', type: 'section', id: 'security' };
