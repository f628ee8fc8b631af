import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createDb } from '@opsledger/db';
import type { Kysely } from 'kysely';
import { CsvExport } from './api/list/csv-export';
import { DATABASE } from './projections/projection.tokens';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<any>) {}

  // After the projections have committed their last batch (Nest shuts providers down before their dependencies).
  async onApplicationShutdown() {
    await this.db.destroy();
  }
}

/**
 * Every projection runner holds one connection for as long as it runs (its advisory lock), one per projection of every
 * context: the pool must hold all of them and still have room for the requests. Connections are opened as needed.
 */
const POOL_MAX = 30;

export function databaseProviders(connectionString: string): Provider[] {
  return [
    { provide: DATABASE, useFactory: () => createDb({ connectionString, applicationName: 'opsledger-gateway', max: POOL_MAX }) },
    DatabaseShutdown,
    { provide: CsvExport, useFactory: () => new CsvExport(connectionString) },
  ];
}
