import { Controller, Get, Inject, Req } from '@nestjs/common';
import { formatActor } from '@opsledger/eventstore';
import { CommandClient } from '@opsledger/messaging';
import type { Request } from 'express';
import { AdminOnly } from '../auth/auth.guard';
import type { ContextReadModel } from '../projections/read-model';
import type { AuditTables } from './audit-tables';
import { type ChainVerification, verifyAuditChain } from './audit-verify.client';
import { AuditReadModel } from './audit.read-model';

const CHAIN = 'main';

/**
 * The chain's tamper evidence (admin only): `GET /api/audit/verify` has the
 * audit service walk the chain now and keeps its verdict;
 * `GET /api/audit/verification` is the last verdict kept, for the page to say
 * when the chain was last verified and how that went.
 */
@AdminOnly()
@Controller('api/audit')
export class AuditVerifyController {
  constructor(
    @Inject(CommandClient) private readonly commands: CommandClient,
    @Inject(AuditReadModel) private readonly readModel: ContextReadModel<AuditTables>,
  ) {}

  @Get('verify')
  async verify(@Req() req: Request): Promise<ChainVerification> {
    const result = await verifyAuditChain(this.commands, req);
    const row = {
      ok: result.ok,
      checked: result.checked,
      first_bad_sequence: result.firstBad?.sequence ?? null,
      first_bad_reason: result.firstBad?.reason ?? null,
      verified_at: result.verifiedAt,
      verified_by: formatActor({ kind: 'staff', id: req.principal!.id }),
    };
    await this.readModel.db
      .insertInto('audit_verification')
      .values({ chain: CHAIN, ...row })
      .onConflict((oc) => oc.column('chain').doUpdateSet(row))
      .execute();
    return result;
  }

  @Get('verification')
  async last(): Promise<ChainVerification | { verifiedAt: null }> {
    const row = await this.readModel.db.selectFrom('audit_verification').selectAll().where('chain', '=', CHAIN).executeTakeFirst();
    if (!row) return { verifiedAt: null };
    return {
      ok: row.ok,
      checked: Number(row.checked),
      ...(row.first_bad_sequence !== null
        ? { firstBad: { sequence: Number(row.first_bad_sequence), reason: row.first_bad_reason ?? '' } }
        : {}),
      verifiedAt: row.verified_at,
    };
  }
}
