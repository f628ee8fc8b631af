import { Body, Controller, Get, HttpCode, Inject, Post, Put, Req } from '@nestjs/common';
import { emailV1, settingsV1 } from '@opsledger/contracts';
import { CommandClient, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { commandActor } from '../api/command-actor';
import { AdminOnly } from '../auth/auth.guard';
import type { ContextReadModel } from '../projections/read-model';
import type { EmailSettingsRow, EmailTables } from './email-tables';
import { testResultJson } from './email-templates.controller';
import { EmailReadModel } from './email.read-model';

// Types at the door; the email service owns the rules (region, URL, address, keys given together).
const section = z.object({
  region: z.string('must be text'),
  endpoint: z.string('must be text').default(''),
  sender: z.string('must be text'),
  accessKeyId: z.string('must be text').default(''),
  secretAccessKey: z.string('must be text').default(''),
});

const sectionJson = (row: EmailSettingsRow | undefined) =>
  row
    ? {
        id: 'email',
        saved: true,
        region: row.region,
        endpoint: row.endpoint,
        sender: row.sender,
        credentialsSet: row.credentials_set,
        accessKeyIdHint: row.access_key_id_hint || null,
        version: Number(row.version),
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      }
    : // Never saved: the email service sends with its environment's provider (EMAIL_SES_*).
      { id: 'email', saved: false, region: null, endpoint: null, sender: null, credentialsSet: false, accessKeyIdHint: null, version: 0 };

/**
 * Settings → Email (admin only): the SES provider the platform sends through.
 * The credentials go in and never come out: the section says only whether
 * some are set. Send test email delivers to the signed-in admin through the
 * provider as saved, and answers with the provider's verdict.
 */
@AdminOnly()
@Controller('api/settings/email')
export class EmailSettingsController {
  constructor(
    @Inject(CommandClient) private readonly commands: CommandClient,
    @Inject(EmailReadModel) private readonly readModel: ContextReadModel<EmailTables>,
  ) {}

  @Get()
  async get() {
    return sectionJson(await this.row());
  }

  @Put()
  @HttpCode(200)
  async put(@Body() body: unknown, @Req() req: Request) {
    const input = validate(section, body ?? {});
    const result = await this.commands.send(settingsV1.ChangeEmailSettingsCommand, { ...commandActor(req), ...input });
    const before = await this.row();
    return {
      id: 'email',
      saved: true,
      region: input.region,
      endpoint: input.endpoint.replace(/\/+$/, ''),
      sender: input.sender.toLowerCase(),
      credentialsSet: Boolean(input.accessKeyId) || Boolean(before?.credentials_set),
      accessKeyIdHint: input.accessKeyId ? input.accessKeyId.slice(-4) : (before?.access_key_id_hint ?? null),
      version: Number(result.version),
    };
  }

  @Post('test')
  @HttpCode(200)
  async test(@Req() req: Request) {
    const result = await this.commands.send(emailV1.SendTestEmailCommand, {
      ...commandActor(req),
      template: 'settings.test',
      to: req.principal!.email,
    });
    return testResultJson(result, req.principal!.email);
  }

  private row() {
    return this.readModel.db.selectFrom('email_settings').selectAll().where('section', '=', 'email').executeTakeFirst();
  }
}
