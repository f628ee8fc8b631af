import { readModelOf } from '../projections/read-model';
import type { IpLogTables } from './ip-log-tables';

/** The ip_log schema: sign-in attempts with their place, brute-force blocks, and Settings → Security. */
export const IpLogReadModel = readModelOf<IpLogTables>('ip_log');
