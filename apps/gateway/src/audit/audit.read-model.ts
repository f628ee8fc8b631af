import { readModelOf } from '../projections/read-model';
import type { AuditTables } from './audit-tables';

/** The audit schema: the Audit Log's entries, the retention checkpoints and the last chain verification. */
export const AuditReadModel = readModelOf<AuditTables>('audit');
