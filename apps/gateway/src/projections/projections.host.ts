import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CONTEXTS, eventRegistry } from '@opsledger/contracts';
import { ensureEventStream, ProjectionRunner } from '@opsledger/eventstore';
import { NATS_CONNECTION } from '@opsledger/messaging';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { LiveHub } from '../live/live-hub';
import { DATABASE, PROJECTION_SETTINGS, type ProjectionSettings } from './projection.tokens';
import { ContributesProjections, type ProjectionSource } from './read-model';

/** Runs every context's projections (found by their ContributesProjections mark) for as long as the process lives; each finishes its batch on shutdown. */
@Injectable()
export class ProjectionsHost implements OnApplicationBootstrap, OnApplicationShutdown {
  runners: ProjectionRunner[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(PROJECTION_SETTINGS) private readonly settings: ProjectionSettings,
    @Inject(PinoLogger) private readonly log: PinoLogger,
  ) {}

  async onApplicationBootstrap() {
    const jsm = await jetstreamManager(this.nc);
    // Streams are created by whoever starts first; the gateway may start before a service.
    for (const context of CONTEXTS)
      await ensureEventStream(jsm, context, { prefix: this.settings.prefix, replicas: this.settings.replicas });
    const deps = {
      db: this.db,
      js: jetstream(this.nc),
      jsm,
      registry: eventRegistry,
      prefix: this.settings.prefix,
      log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => this.log[level](fields ?? {}, message),
    };
    const projections = this.discovery
      .getProviders({ metadataKey: ContributesProjections.KEY })
      .flatMap((wrapper) => (wrapper.instance as ProjectionSource).projections(this.hub));
    this.runners = projections.map(({ projection, onCommitted }) => new ProjectionRunner(deps, projection, { onCommitted }));
    await Promise.all(this.runners.map((r) => r.start()));
  }

  async onApplicationShutdown() {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
