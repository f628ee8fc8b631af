import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createDb } from '@opsledger/db';
import type { Kysely } from 'kysely';
import { DATABASE } from './projections/projection.tokens';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Kysely<any>) {}

  // After the projections have committed their last batch (Nest shuts providers down before their dependencies).
  async onApplicationShutdown() {
    await this.db.destroy();
  }
}

export function databaseProviders(connectionString: string): Provider[] {
  return [{ provide: DATABASE, useFactory: () => createDb({ connectionString, applicationName: 'opsledger-gateway' }) }, DatabaseShutdown];
}
