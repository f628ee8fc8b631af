import { loginsV1 } from '@opsledger/contracts';
import { logRetentionJob } from './log-retention.job';

/** logins.retention: the IP Log's sign-in attempts older than Settings → Retention's IP-log period go. */
export const loginsRetentionJob = logRetentionJob({
  service: 'logins',
  asks: 'IP Log attempts',
  records: 'sign-in attempts made',
  command: loginsV1.PruneIpLogCommand,
  removed: (answer) => answer.attempts,
});
