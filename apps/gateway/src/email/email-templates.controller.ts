import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { emailV1 } from '@opsledger/contracts';
import { CommandClient, NotFoundError, validate } from '@opsledger/messaging';
import type { Request } from 'express';
import { z } from 'zod';
import { commandActor } from '../api/command-actor';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import type { EmailTables } from './email-tables';
import { emailTemplatesResource } from './email-templates.resource';
import { EmailReadModel } from './email.read-model';

/** How many versions the history answers, newest first. */
export const VERSION_HISTORY = 200;

// Types and sizes at the door; the email service owns the rules (syntax, tokens, rendering, names).
const token = z.object({
  path: z.string('must be text'),
  description: z.string('must be text').default(''),
  sampleJson: z.string('must be text'),
});
const content = {
  subject: z.string('must be text'),
  html: z.string('must be text'),
  tokens: z.array(token, 'must be a list of tokens').max(100).optional(),
};
const newTemplate = z.object({ name: z.string('must be text'), description: z.string('must be text').max(500).default(''), ...content });
const editedTemplate = z.object({ ...content, expectedVersion: z.int('must be a whole number').min(1).max(0xffff_ffff).optional() });
const data = z.record(z.string(), z.unknown(), 'must be a JSON object of the tokens’ values').optional();
const previewBody = z.object({
  subject: z.string('must be text').optional(),
  html: z.string('must be text').optional(),
  tokens: z.array(token).max(100).optional(),
  data,
});

/**
 * Email templates (admin only): the list and one with its body and token
 * schema; Add Template, save (a new version, refused with each problem in
 * place), the version history, Reset to default, a preview that sends
 * nothing, and Send test to the signed-in admin's own address.
 */
@AdminOnly()
@Controller('api/email-templates')
export class EmailTemplatesController extends ListController<EmailTables>(emailTemplatesResource, EmailReadModel, 'email template') {
  constructor(@Inject(CommandClient) private readonly commands: CommandClient) {
    super();
  }

  protected override async detail(record: Record<string, unknown>) {
    const row = await this.readModel.db
      .selectFrom('email_template')
      .selectAll()
      .where('name', '=', String(record.id))
      .executeTakeFirstOrThrow();
    return { ...record, html: row.html, tokens: row.tokens, resettable: row.origin === 'default' };
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() req: Request) {
    const input = validate(newTemplate, body ?? {});
    const result = await this.commands.send(emailV1.CreateTemplateCommand, {
      ...commandActor(req),
      name: input.name,
      description: input.description,
      content: { subject: input.subject, html: input.html, tokens: input.tokens ?? [] },
    });
    return { id: result.name, name: result.name, version: result.version };
  }

  /** Saves a new version; a template that ships with the platform keeps its shipped tokens (none need be sent). */
  @Put(':name')
  @HttpCode(200)
  async edit(@Param('name') name: string, @Body() body: unknown, @Req() req: Request) {
    const input = validate(editedTemplate, body ?? {});
    const result = await this.commands.send(emailV1.EditTemplateCommand, {
      ...commandActor(req),
      name,
      content: { subject: input.subject, html: input.html, tokens: input.tokens ?? (await this.currentTokens(name)) },
      expectedVersion: input.expectedVersion,
    });
    return { id: result.name, name: result.name, version: result.version };
  }

  @Get(':name/versions')
  async versions(@Param('name') name: string) {
    const rows = await this.readModel.db
      .selectFrom('email_template_version')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .limit(VERSION_HISTORY)
      .execute();
    if (rows.length === 0) throw new NotFoundError(`email template ${name} not found`);
    return rows.map((r) => ({
      version: r.version,
      change: r.change,
      subject: r.subject,
      html: r.html,
      tokens: r.tokens,
      savedAt: r.saved_at,
      savedBy: r.saved_by,
    }));
  }

  @Post(':name/reset')
  @HttpCode(200)
  async reset(@Param('name') name: string, @Req() req: Request) {
    const result = await this.commands.send(emailV1.ResetTemplateCommand, { ...commandActor(req), name });
    return { id: result.name, name: result.name, version: result.version };
  }

  /** Renders the saved version, or the draft given (checked as a save would), with the samples or the data given. Sends nothing. */
  @Post(':name/preview')
  @HttpCode(200)
  async preview(@Param('name') name: string, @Body() body: unknown, @Req() req: Request) {
    const input = validate(previewBody, body ?? {});
    const draft =
      input.subject !== undefined || input.html !== undefined
        ? {
            subject: input.subject ?? '',
            html: input.html ?? '',
            tokens: input.tokens ?? (await this.currentTokens(name).catch(() => [])),
          }
        : undefined;
    const preview = await this.commands.send(emailV1.PreviewTemplateCommand, {
      ...commandActor(req),
      name,
      ...(draft ? { draft } : {}),
      ...(input.data ? { data: input.data as never } : {}),
    });
    return { subject: preview.subject, html: preview.html, version: preview.version || null };
  }

  /** Renders the saved version with its samples and delivers it to the signed-in admin, through the real provider path. */
  @Post(':name/send-test')
  @HttpCode(200)
  async sendTest(@Param('name') name: string, @Req() req: Request) {
    const result = await this.commands.send(emailV1.SendTestEmailCommand, {
      ...commandActor(req),
      template: name,
      to: req.principal!.email,
    });
    return testResultJson(result, req.principal!.email);
  }

  private async currentTokens(name: string) {
    const row = await this.readModel.db.selectFrom('email_template').select('tokens').where('name', '=', name).executeTakeFirst();
    if (!row) throw new NotFoundError(`email template ${name} not found`);
    return row.tokens;
  }
}

/** A Send test's answer as the console shows it. */
export function testResultJson(result: emailV1.SendTestEmailResult, to: string) {
  return {
    emailId: result.emailId,
    to,
    status: result.status,
    providerMessageId: result.providerMessageId || null,
    providerCode: result.providerCode || null,
    providerMessage: result.providerMessage || null,
    responseCode: result.responseCode || null,
    permanent: result.status === 'failed' ? result.permanent : null,
  };
}
