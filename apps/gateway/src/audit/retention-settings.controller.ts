import { timestampDate } from '@bufbuild/protobuf/wkt';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Body, Controller, Get, HttpCode, Inject, Put, Req } from '@nestjs/common';
import { eventRegistry, settingsV1 } from '@opsledger/contracts';
import { EventStore, formatActor, type StoredEvent } from '@opsledger/eventstore';
import { CommandClient, NATS_CONNECTION, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { commandActor } from '../api/command-actor';
import { AdminOnly } from '../auth/auth.guard';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

/** What applies until an admin saves the section (the audit service's defaults). */
const DEFAULTS = { auditDays: 365, emailLogDays: 90, ipLogDays: 90 };

// Types at the door; the audit service owns the ranges (audit 30–3650 days, the others 1–3650) and names what it refuses.
const days = z.number('must be a number of days').int('must be a whole number of days');
const section = z.object({ auditDays: days, emailLogDays: days, ipLogDays: days });

const RETENTION_SECTION = { context: 'settings', type: 'section', id: 'retention' } as const;

/**
 * Settings → Retention (admin only): how many days the Audit Log, the Email
 * Log and the IP Log keep their entries. Saved through the audit service as
 * the SETTINGS stream's retention section (and so itself audited, as
 * setting.edit); read from that section, which has one small event per save.
 */
@AdminOnly()
@Controller('api/settings/retention')
export class RetentionSettingsController {
  private store: Promise<EventStore> | undefined;

  constructor(
    @Inject(CommandClient) private readonly commands: CommandClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async get() {
    return json(await this.latest());
  }

  @Put()
  @HttpCode(200)
  async put(@Body() body: unknown, @Req() req: Request) {
    const input = validate(section, body ?? {});
    const result = await this.commands.send(settingsV1.ChangeRetentionSettingsCommand, { ...commandActor(req), ...input });
    const latest = await this.latest();
    return { ...json(latest), version: Number(result.version) };
  }

  private async latest(): Promise<StoredEvent<settingsV1.RetentionSettingsChanged> | undefined> {
    this.store ??= jetstreamManager(this.nc).then(
      (jsm) => new EventStore(jetstream(this.nc), jsm, eventRegistry, this.config.OPSLEDGER_PREFIX),
    );
    const events = await (await this.store).read(RETENTION_SECTION).catch((error: unknown) => {
      // No SETTINGS stream yet: nothing was ever saved.
      if ((error as { code?: number }).code === 10059 || /stream not found/i.test(String(error))) return [];
      throw error;
    });
    return events.filter((e) => e.type === settingsV1.RetentionSettingsChangedSchema.typeName).at(-1) as
      StoredEvent<settingsV1.RetentionSettingsChanged> | undefined;
  }
}

function json(event: StoredEvent<settingsV1.RetentionSettingsChanged> | undefined) {
  if (!event) return { id: 'retention', saved: false, ...DEFAULTS, version: 0, updatedAt: null, updatedBy: null };
  const s = event.data;
  return {
    id: 'retention',
    saved: true,
    auditDays: s.auditDays,
    emailLogDays: s.emailLogDays,
    ipLogDays: s.ipLogDays,
    version: event.streamSeq,
    updatedAt: s.at ? timestampDate(s.at).toISOString() : event.occurredAt.toISOString(),
    updatedBy: formatActor(event.actor),
  };
}
