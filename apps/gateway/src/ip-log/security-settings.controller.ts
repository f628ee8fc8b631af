import { Body, Controller, Get, HttpCode, Inject, Put, Req } from '@nestjs/common';
import { settingsV1 } from '@opsledger/contracts';
import { CommandClient, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { commandActor } from '../api/command-actor';
import { AdminOnly } from '../auth/auth.guard';
import { TrustedProxies } from '../auth/client-ip';
import type { ContextReadModel } from '../projections/read-model';
import type { IpLogTables, SecuritySettingsRow } from './ip-log-tables';
import { IpLogReadModel } from './ip-log.read-model';
import { SecuritySettingsState } from './security-settings.state';
import { sharedPrivateIpWarning } from './shared-ip-warning';

/** What applies before the section is saved (the logins service's defaults; proxies from TRUSTED_PROXIES). */
const DEFAULTS = {
  notifications: { newLocation: true, sessionExpired: false },
  bruteForce: { threshold: 10, windowSeconds: 600, coolDownSeconds: 900 },
};

// Types at the door; the logins service owns the rules (each proxy entry, the ranges), and names what it refuses.
const section = z.object({
  trustedProxies: z.array(z.string('must be text'), 'must be a list of IPs and CIDRs'),
  notifications: z.object(
    { newLocation: z.boolean('must be true or false'), sessionExpired: z.boolean('must be true or false') },
    'is required',
  ),
  bruteForce: z.object(
    { threshold: z.number('must be a number'), windowSeconds: z.number('must be a number'), coolDownSeconds: z.number('must be a number') },
    'is required',
  ),
});

/**
 * Settings → Security (admin only): trusted proxies, notices, brute-force
 * thresholds; saved as the SETTINGS stream's security section (audited with
 * its actor). The answer to a save comes once this gateway applies it, so the
 * next sign-in uses the new proxies.
 */
@AdminOnly()
@Controller('api/settings/security')
export class SecuritySettingsController {
  constructor(
    @Inject(CommandClient) private readonly commands: CommandClient,
    @Inject(IpLogReadModel) private readonly readModel: ContextReadModel<IpLogTables>,
    @Inject(SecuritySettingsState) private readonly state: SecuritySettingsState,
    @Inject(TrustedProxies) private readonly proxies: TrustedProxies,
  ) {}

  @Get()
  async get() {
    return this.json(await this.state.row().catch(() => undefined));
  }

  @Put()
  @HttpCode(200)
  async put(@Body() body: unknown, @Req() req: Request) {
    const input = validate(section, body ?? {});
    const result = await this.commands.send(settingsV1.ChangeSecuritySettingsCommand, { ...commandActor(req), ...input });
    const version = Number(result.version);
    const deadline = Date.now() + 5_000;
    let row = await this.state.refresh();
    while (Number(row?.version ?? 0) < version && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      row = await this.state.refresh();
    }
    return this.json(row);
  }

  private async json(row: SecuritySettingsRow | undefined) {
    const applied = this.proxies.current;
    return {
      id: 'security',
      saved: Boolean(row),
      trustedProxies: row ? row.trusted_proxies : applied.trustedProxies,
      trustedProxiesSource: applied.source,
      notifications: row ? { newLocation: row.new_location, sessionExpired: row.session_expired } : DEFAULTS.notifications,
      bruteForce: row
        ? { threshold: row.threshold, windowSeconds: row.window_seconds, coolDownSeconds: row.cool_down_seconds }
        : DEFAULTS.bruteForce,
      version: row ? Number(row.version) : 0,
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by ?? null,
      warning: await sharedPrivateIpWarning(this.readModel.db).catch(() => null),
    };
  }
}
