import { Inject, Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { contextSchema } from '@opsledger/db';
import type { Kysely } from 'kysely';
import { ListReader } from '../api/list/list-reader';
import type { LiveHub } from '../live/live-hub';
import { DATABASE, PROJECTION_SETTINGS, type ProjectionEntry, type ProjectionSettings } from './projection.tokens';

/** One context's read-model schema: its Kysely instance and the list reader the API pages through. */
export abstract class ContextReadModel<DB = any> {
  abstract readonly schema: string;
  abstract readonly db: Kysely<DB>;
  abstract readonly reader: ListReader;
}

/**
 * The read model of `context` as an injectable class (one token per
 * context), bound to the schema `<prefix>_<context>`.
 */
export function readModelOf<DB>(context: string): Type<ContextReadModel<DB>> {
  @Injectable()
  class ReadModel extends ContextReadModel<DB> {
    readonly schema: string;
    readonly db: Kysely<DB>;
    readonly reader: ListReader;

    constructor(@Inject(DATABASE) db: Kysely<any>, @Inject(PROJECTION_SETTINGS) settings: ProjectionSettings) {
      super();
      this.schema = contextSchema(context, settings.prefix);
      this.db = db.withSchema(this.schema) as Kysely<DB>;
      this.reader = new ListReader(this.db);
    }
  }
  Object.defineProperty(ReadModel, 'name', { value: `ReadModel(${context})` });
  return ReadModel;
}

/** What a context's module offers the projection host: its projections, each with the live notices it announces. */
export interface ProjectionSource {
  projections(hub: LiveHub): ProjectionEntry[];
}

/**
 * Marks a context's ProjectionSource provider; the host finds every marked
 * provider through Nest's DiscoveryService, so no shared list names a context.
 */
export const ContributesProjections = DiscoveryService.createDecorator<void>();
