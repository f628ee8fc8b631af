import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ActorKind, auditV1, Source } from '@opsledger/contracts';
import { CommandClient, connectNats, UnavailableError } from '@opsledger/messaging';
import { baseConfigSchema, loadConfigOrExit } from '@opsledger/telemetry';
import { hostname, userInfo } from 'node:os';

/**
 * `opsledger audit verify`: asks the audit service to walk the AUDIT chain
 * (from its retention checkpoint, if any) and prints the result. Exit 0 when
 * every entry's hash and link match; 1 when one does not, printing the first
 * such entry and why; 69 when no audit service answers.
 */
export async function auditVerify(): Promise<number> {
  const config = loadConfigOrExit(baseConfigSchema);
  const nc = await connectNats({ url: config.NATS_URL, name: 'opsledger-cli' });
  try {
    const result = await new CommandClient(nc, config.OPSLEDGER_PREFIX, 120_000).send(auditV1.VerifyAuditChainCommand, {
      actor: { userId: `${userInfo().username}@${hostname()}`, kind: ActorKind.SYSTEM },
      source: Source.CLI,
    });
    const at = result.verifiedAt ? timestampDate(result.verifiedAt).toISOString() : new Date().toISOString();
    const from = result.checkpointSequence > 0n ? ` after retention checkpoint ${result.checkpointSequence}` : '';
    if (result.ok) {
      console.log(`audit chain verified at ${at}: ${result.entriesChecked} entries${from}, through entry ${result.lastSequence}`);
      return 0;
    }
    console.error(
      `audit chain BROKEN at entry ${result.firstBadSequence} (id ${result.firstBadEntryId}): ${result.reason}\n` +
        `verified at ${at}; ${result.entriesChecked} entries walked${from}; entries before ${result.firstBadSequence} match`,
    );
    return 1;
  } catch (error) {
    if (error instanceof UnavailableError) {
      console.error(`no audit service is answering: ${error.message}`);
      return 69;
    }
    throw error;
  } finally {
    await nc.close();
  }
}
