import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { loginsV1 } from '@opsledger/contracts';
import { CommandClient, ValidationError } from '@opsledger/messaging';
import type { Request, Response } from 'express';
import { sql } from 'kysely';
import { commandActor } from '../api/command-actor';
import { ListController } from '../api/list/list-controller';
import { AdminOnly } from '../auth/auth.guard';
import type { ContextReadModel } from '../projections/read-model';
import type { IpLogTables, LoginBlockRow } from './ip-log-tables';
import { ipLogResource, ipRange } from './ip-log.resource';
import { IpLogReadModel } from './ip-log.read-model';
import { sharedPrivateIpWarning } from './shared-ip-warning';

/** `filter={"ip": "10.0.0.0/8"}` → the range filters the resource serves with its (ip, at, id) index. */
function withIpRange(query: Record<string, unknown>): Record<string, unknown> {
  if (typeof query.filter !== 'string') return query;
  let filter: unknown;
  try {
    filter = JSON.parse(query.filter);
  } catch {
    return query;
  }
  if (!filter || typeof filter !== 'object' || !('ip' in filter)) return query;
  const { ip, ...rest } = filter as Record<string, unknown>;
  const range = typeof ip === 'string' ? ipRange(ip.trim()) : undefined;
  if (!range)
    throw new ValidationError([
      { field: 'filter.ip', rule: 'ip', message: 'must be an IP address or a CIDR, e.g. 203.0.113.7 or 10.0.0.0/8' },
    ]);
  return { ...query, filter: JSON.stringify({ ...rest, ip_gte: range.from, ip_lte: range.to }) };
}

const blockJson = (b: LoginBlockRow, now = new Date()) => ({
  id: b.id,
  scope: b.scope,
  key: b.key,
  failures: b.failures,
  windowSeconds: b.window_seconds,
  blockedUntil: b.blocked_until,
  attemptId: b.attempt_id,
  createdAt: b.created_at,
  liftedAt: b.lifted_at,
  liftedBy: b.lifted_by,
  active: !b.lifted_at && new Date(b.blocked_until) > now,
});

/**
 * The IP Log (admin only): every panel and API sign-in attempt, failed ones
 * too, with the address chosen, the peer and the forwarded chain, its
 * country and network, and the user agent; CSV with `Accept: text/csv`.
 */
@AdminOnly()
@Controller('api/ip-log')
export class IpLogController extends ListController<IpLogTables>(ipLogResource, IpLogReadModel, 'sign-in attempt') {
  @Get()
  override async list(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await super.list(withIpRange(query), req, res);
  }

  protected override async detail(record: Record<string, unknown>) {
    const row = await this.readModel.db
      .selectFrom('login_attempt')
      .selectAll()
      .where('id', '=', String(record.id))
      .executeTakeFirstOrThrow();
    const blocks = await this.readModel.db.selectFrom('login_block').selectAll().where('attempt_id', '=', row.id).execute();
    return {
      ...record,
      userAgent: row.user_agent,
      forwardedFor: row.forwarded_for,
      notified: row.notified,
      databases: { country: row.country_db_date || null, asn: row.asn_db_date || null },
      blocksRaised: blocks.map((b) => blockJson(b)),
    };
  }
}

/** The brute-force view: the last hour's attempts (failures by address and by account, per five minutes) and the blocks. */
@AdminOnly()
@Controller('api/ip-log-summary')
export class IpLogSummaryController {
  constructor(@Inject(IpLogReadModel) private readonly readModel: ContextReadModel<IpLogTables>) {}

  @Get()
  async summary() {
    const db = this.readModel.db;
    const since = new Date(Date.now() - 3_600_000);
    const recent = db.selectFrom('login_attempt').where('at', '>=', since);
    const [byResult, byIp, byAccount, buckets, blocks] = await Promise.all([
      recent
        .select(['result', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('result')
        .execute(),
      // Refused (rate-limited) attempts are counted apart, as throttling does not count them as failures either.
      recent
        .where('result', '=', 'failed')
        .select(['ip_text as ip', 'country_code', 'asn', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy(['ip_text', 'country_code', 'asn'])
        .orderBy('n', 'desc')
        .limit(10)
        .execute(),
      recent
        .where('result', '=', 'failed')
        .where('email', '!=', '')
        .select(['email', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('email')
        .orderBy('n', 'desc')
        .limit(10)
        .execute(),
      recent
        .select([
          sql<Date>`to_timestamp(floor(extract(epoch from at) / 300) * 300)`.as('bucket'),
          (eb) => eb.fn.countAll<string>().filterWhere('result', '=', 'succeeded').as('succeeded'),
          (eb) => eb.fn.countAll<string>().filterWhere('result', '!=', 'succeeded').as('failed'),
        ])
        .groupBy('bucket')
        .orderBy('bucket')
        .execute(),
      db.selectFrom('login_block').selectAll().where('blocked_until', '>', since).orderBy('created_at', 'desc').limit(50).execute(),
    ]);
    const count = (r: string) => Number(byResult.find((x) => x.result === r)?.n ?? 0);
    return {
      since,
      attempts: { succeeded: count('succeeded'), failed: count('failed'), rateLimited: count('rate_limited') },
      failuresByIp: byIp.map((r) => ({
        ip: r.ip,
        countryCode: r.country_code || null,
        asn: r.asn === null ? null : Number(r.asn),
        failures: Number(r.n),
      })),
      failuresByAccount: byAccount.map((r) => ({ email: r.email, failures: Number(r.n) })),
      perFiveMinutes: buckets.map((b) => ({ at: b.bucket, succeeded: Number(b.succeeded), failed: Number(b.failed) })),
      blocks: blocks.map((b) => blockJson(b)),
      sharedPrivateIp: await sharedPrivateIpWarning(db),
    };
  }
}

/** Brute-force blocks (admin only): the list, and lifting one before its cool-down ends. */
@AdminOnly()
@Controller('api/login-blocks')
export class LoginBlocksController {
  constructor(
    @Inject(IpLogReadModel) private readonly readModel: ContextReadModel<IpLogTables>,
    @Inject(CommandClient) private readonly commands: CommandClient,
  ) {}

  @Get()
  async list() {
    const rows = await this.readModel.db.selectFrom('login_block').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    return rows.map((b) => blockJson(b));
  }

  @Post(':id/lift')
  @HttpCode(200)
  async lift(@Param('id') id: string, @Req() req: Request) {
    const result = await this.commands.send(loginsV1.LiftLoginBlockCommand, { ...commandActor(req), blockId: id });
    // Sign-in reads blocks from the read model: answer once it shows the lift, so the next sign-in is let through.
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const row = await this.readModel.db.selectFrom('login_block').selectAll().where('id', '=', id).executeTakeFirst();
      if (row?.lifted_at) return blockJson(row);
      await new Promise((r) => setTimeout(r, 25));
    }
    return { id, lifted: true, version: Number(result.version) };
  }
}
