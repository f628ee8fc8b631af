import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ListController } from '../api/list/list-controller';
import { parseListQuery } from '../api/list/list-query';
import { respondList } from '../api/list/list-responder';
import { AdminOnly } from '../auth/auth.guard';
import type { EmailTables } from '../email/email-tables';
import { type ContextReadModel, readModelOf } from '../projections/read-model';
import type { ProvisioningReadModel as ProvisioningLogTables } from '../provisioning/provisioning-log.projection';
import type { TasksReadModel as TasksTables } from '../tasks/task-tables';
import { auditLogReadSpec, auditLogResource, withPrefixRange } from './audit-log.resource';
import type { AuditTables } from './audit-tables';
import { AuditReadModel } from './audit.read-model';

/** The Email Log's table, read for the emails an entry's correlation id led to (email_log_correlation serves it). */
export const CorrelatedEmails = readModelOf<Pick<EmailTables, 'email_log'>>('email');
/** The tasks a correlation id touched (task_correlation's key serves it). */
export const CorrelatedTasks = readModelOf<TasksTables>('tasks');
/** The Provisioning Log's attempts of a correlation id (provisioning_log_correlation serves it). */
export const CorrelatedProvisioningLog = readModelOf<ProvisioningLogTables>('provisioning');

/** At most this many correlated items of each kind are listed with one entry. */
const CORRELATED_LIMIT = 50;

/**
 * The Audit Log (admin only): who did what to which resource, when, from
 * where. One entry has its diff (a sensitive field only as `changed`), the
 * event that recorded it, its place in the chain, and what shares its
 * correlation id: the other entries, the tasks, the Provisioning Log
 * attempts and the emails.
 */
@AdminOnly()
@Controller('api/audit-log')
export class AuditLogController extends ListController<AuditTables>(auditLogReadSpec, AuditReadModel, 'audit entry') {
  constructor(
    @Inject(CorrelatedEmails) private readonly emails: ContextReadModel<Pick<EmailTables, 'email_log'>>,
    @Inject(CorrelatedTasks) private readonly tasks: ContextReadModel<TasksTables>,
    @Inject(CorrelatedProvisioningLog) private readonly provisioning: ContextReadModel<ProvisioningLogTables>,
  ) {
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
    const id = row.correlation_id;
    const [auditEntries, tasks, provisioningLog, emails] = id
      ? await Promise.all([
          this.correlatedEntries(id, row.id),
          this.correlatedTasks(id),
          this.correlatedAttempts(id),
          this.correlatedEmails(id),
        ])
      : [[], [], [], []];
    return {
      ...record,
      sourceEventId: row.source_event_id,
      sourceStream: row.source_stream,
      prevHash: row.prev_hash,
      hash: row.hash,
      correlated: { auditEntries, tasks, provisioningLog, emails },
    };
  }

  private async correlatedEntries(correlationId: string, self: string) {
    const rows = await this.readModel.db
      .selectFrom('audit_entry')
      .select(['id', 'action', 'resource_type', 'resource_id', 'actor_email', 'occurred_at'])
      .where('correlation_id', '=', correlationId)
      .where('id', '!=', self)
      .orderBy('occurred_at', 'asc')
      .limit(CORRELATED_LIMIT)
      .execute();
    return rows.map((e) => ({
      id: e.id,
      action: e.action,
      resourceType: e.resource_type,
      resourceId: e.resource_id,
      actorEmail: e.actor_email,
      occurredAt: e.occurred_at,
    }));
  }

  private correlatedTasks(correlationId: string) {
    return absentIsNone(async () => {
      const rows = await this.tasks.db
        .selectFrom('task_correlation')
        .innerJoin('task', 'task.id', 'task_correlation.task_id')
        .select(['task.id', 'task.type', 'task.status', 'task.created_at'])
        .where('task_correlation.correlation_id', '=', correlationId)
        .orderBy('task.created_at', 'asc')
        .limit(CORRELATED_LIMIT)
        .execute();
      return rows.map((t) => ({ id: t.id, type: t.type, status: t.status, createdAt: t.created_at }));
    });
  }

  private correlatedAttempts(correlationId: string) {
    return absentIsNone(async () => {
      const rows = await this.provisioning.db
        .selectFrom('provisioning_log')
        .select(['id', 'service_id', 'domain', 'action', 'attempt', 'status', 'created_at'])
        .where('correlation_id', '=', correlationId)
        .orderBy('created_at', 'asc')
        .limit(CORRELATED_LIMIT)
        .execute();
      return rows.map((a) => ({
        id: a.id,
        serviceId: a.service_id,
        domain: a.domain,
        action: a.action,
        attempt: a.attempt,
        status: a.status,
        createdAt: a.created_at,
      }));
    });
  }

  private correlatedEmails(correlationId: string) {
    return absentIsNone(async () => {
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
    });
  }
}

/** A context whose read model is not there yet (its module not loaded, its table or column not made) has nothing to link. */
async function absentIsNone<T>(read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (error) {
    if (['42P01', '42703'].includes((error as { code?: string }).code ?? '')) return [];
    throw error;
  }
}
