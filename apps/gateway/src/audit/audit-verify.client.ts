import { timestampDate } from '@bufbuild/protobuf/wkt';
import { auditV1 } from '@opsledger/contracts';
import type { CommandClient } from '@opsledger/messaging';
import type { Request } from 'express';
import { commandActor } from '../api/command-actor';

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBad?: { sequence: number; reason: string; entryId?: string };
  verifiedAt: Date;
}

/** Asks the audit service to walk the chain (cmd.audit.verify-audit-chain) and answers its verdict. */
export async function verifyAuditChain(commands: CommandClient, req: Request): Promise<ChainVerification> {
  const { actor, source } = commandActor(req);
  const result = await commands.send(auditV1.VerifyAuditChainCommand, { actor, source });
  return {
    ok: result.ok,
    checked: Number(result.entriesChecked),
    ...(result.ok
      ? {}
      : {
          firstBad: {
            sequence: Number(result.firstBadSequence),
            reason: result.reason,
            ...(result.firstBadEntryId ? { entryId: result.firstBadEntryId } : {}),
          },
        }),
    verifiedAt: result.verifiedAt ? timestampDate(result.verifiedAt) : new Date(),
  };
}
