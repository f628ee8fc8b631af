import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ListController } from '../api/list/list-controller';
import { parseListQuery } from '../api/list/list-query';
import { respondList } from '../api/list/list-responder';
import { AdminOnly } from '../auth/auth.guard';
import type { EmailTables } from '../email/email-tables';
import { type ContextReadModel, readModelOf } from '../projections/read-model';
import { auditLogReadSpec, auditLogResource, withPrefixRange } from './audit-log.resource';
import type { AuditTables } from './audit-tables';
import { AuditReadModel } from './audit.read-model';

/** The Email Log's table, read for the emails an entry's correlation id led to (email_log_correlation serves it). */
export const CorrelatedEmails = readModelOf<Pick<EmailTables, 'email_log'>>('email');

/** At most this many correlated items of each kind are listed with one entry. */
const CORRELATED_LIMIT = 50;

/**
 * The Audit Log (admin only): who did what to which resource, when, from
 * where. One entry has its diff (a sensitive field only as `changed`), the
 * event that recorded it, its place in the chain, and what shares its
 * correlation id: the other entries and the emails it caused.
 */
@AdminOnly()
@Controller('api/audit-log')
export class AuditLogController extends ListController<AuditTables>(auditLogReadSpec, AuditReadModel, 'audit entry') {
  constructor(@Inject(CorrelatedEmails) private readonly emails: ContextReadModel<Pick<EmailTables, 'email_log'>>) {
    super();
  }

  /** The list (JSON page or streamed CSV): filters checked against the public spec; a prefix becomes its index range. */
  @Get()
  override async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const parsed = parseListQuery(auditLogResource, query);
    await respondList(
      this.readModel.reader,
      auditLogReadSpec,
      { ...parsed, filters: withPrefixRange(parsed.filters) },
      req.principal!,
      req,
      res,
    );
  }

  protected override async detail(record: Record<string, unknown>) {
    const row = await this.readModel.db.selectFrom('audit_entry').selectAll().where('id', '=', String(record.id)).executeTakeFirstOrThrow();
    const correlationId = row.correlation_id;
    const [entries, emails] = correlationId
      ? await Promise.all([
          this.readModel.db
            .selectFrom('audit_entry')
            .select(['id', 'action', 'resource_type', 'resource_id', 'actor_email', 'occurred_at'])
            .where('correlation_id', '=', correlationId)
            .where('id', '!=', row.id)
            .orderBy('occurred_at', 'asc')
            .limit(CORRELATED_LIMIT)
            .execute(),
          this.correlatedEmails(correlationId),
        ])
      : [[], []];
    return {
      ...record,
      sourceEventId: row.source_event_id,
      sourceStream: row.source_stream,
      prevHash: row.prev_hash,
      hash: row.hash,
      correlated: {
        auditEntries: entries.map((e) => ({
          id: e.id,
          action: e.action,
          resourceType: e.resource_type,
          resourceId: e.resource_id,
          actorEmail: e.actor_email,
          occurredAt: e.occurred_at,
        })),
        emails,
      },
    };
  }

  private async correlatedEmails(correlationId: string) {
    try {
      const rows = await this.emails.db
        .selectFrom('email_log')
        .select(['id', 'to_address', 'template', 'subject', 'status', 'created_at'])
        .where('correlation_id', '=', correlationId)
        .orderBy('created_at', 'asc')
        .limit(CORRELATED_LIMIT)
        .execute();
      return rows.map((e) => ({
        id: e.id,
        to: e.to_address,
        template: e.template,
        subject: e.subject,
        status: e.status,
        createdAt: e.created_at,
      }));
    } catch (error) {
      // A gateway without the Email Log (its table not made yet) has no emails to link.
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    }
  }
}
