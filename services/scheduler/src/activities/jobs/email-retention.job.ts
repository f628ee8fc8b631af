import { emailV1 } from '@opsledger/contracts';
import { logRetentionJob } from './log-retention.job';

/** email.retention: the Email Log's records older than Settings → Retention's email-log period go. */
export const emailRetentionJob = logRetentionJob({
  service: 'email',
  asks: 'Email Log records',
  records: 'emails queued',
  command: emailV1.PruneEmailLogCommand,
  removed: (answer) => answer.emails,
});
