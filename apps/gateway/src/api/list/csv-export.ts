import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import type { CompiledQuery } from 'kysely';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** Exports running at once; more wait for a connection (each holds one for as long as its download takes). */
const CONCURRENT_EXPORTS = 2;

/**
 * A large list's CSV written by Postgres itself (`COPY (<the list query>) TO STDOUT, FORMAT csv`) and piped to the
 * response: the gateway only passes bytes along, with backpressure (a slow download pauses the database read), so
 * its memory stays flat and the rate is the database's. On a pool of its own, so downloads never starve the API.
 */
@Injectable()
export class CsvExport implements OnApplicationShutdown {
  private readonly pool: pg.Pool;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: CONCURRENT_EXPORTS, application_name: 'opsledger-gateway-export' });
    this.pool.on('error', () => undefined);
  }

  async send(query: CompiledQuery, res: Response): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // COPY takes no bind parameters: each value goes in as a literal, escaped by the driver.
      const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => literal(client, query.parameters[Number(n) - 1]));
      await pipeline(client.query(copyTo(`COPY (${text}) TO STDOUT WITH (FORMAT csv, HEADER true)`)), res);
    } catch (error) {
      // A download abandoned half way leaves the connection mid-COPY: it is closed, not returned to the pool.
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async onApplicationShutdown() {
    await this.pool.end();
  }
}

function literal(client: pg.PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (typeof value === 'string') return client.escapeLiteral(value);
  throw new Error(`a CSV export cannot take a ${typeof value} parameter`);
}
