import type { AggregateRef } from '@opsledger/contracts';

export const serviceRef = (id: string): AggregateRef => ({ context: 'provisioning', type: 'service', id });
export const panelServerRef = (id: string): AggregateRef => ({ context: 'provisioning', type: 'panel-server', id });
export const attemptRef = (id: string): AggregateRef => ({ context: 'provisioning', type: 'attempt', id });
export const logPruneRef = (id: string): AggregateRef => ({ context: 'provisioning', type: 'log-prune', id });
