import { readModelOf } from '../projections/read-model';
import type { EmailTables } from './email-tables';

/** The email schema: templates and their versions, the Email Log, and Settings → Email. */
export const EmailReadModel = readModelOf<EmailTables>('email');
