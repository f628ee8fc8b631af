import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { loginsV1 } from '@opsledger/contracts';
import type { ActorRef, EventStore } from '@opsledger/eventstore';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from './identity-tables';

export interface LoginAttempt {
  user?: { id: string; role: Role };
  email: string;
  ip: string;
  userAgent: string;
  channel: loginsV1.LoginChannelName;
  result: loginsV1.LoginResultName;
  reason: string;
  /** The direct peer and X-Forwarded-For with each hop's trust, so an operator can see why `ip` was chosen. */
  route?: { peerIp: string; forwardedFor: { ip: string; trusted: boolean }[] };
}

/** Publishes every sign-in attempt, successful or not, on the LOGINS stream (one aggregate per attempt). */
export class LoginEvents {
  constructor(private readonly store: EventStore) {}

  async record(attempt: LoginAttempt): Promise<void> {
    const attemptId = uuidv7();
    const at = new Date();
    const actor: ActorRef = attempt.user
      ? { kind: attempt.user.role === 'admin' ? 'staff' : 'customer', id: attempt.user.id }
      : { kind: 'system', id: 'gateway' };
    const data = create(loginsV1.LoginAttemptedSchema, {
      attemptId,
      userId: attempt.user?.id ?? '',
      email: attempt.email.toLowerCase(),
      ip: attempt.ip,
      userAgent: attempt.userAgent,
      channel: loginsV1.loginChannelByName[attempt.channel],
      result: loginsV1.loginResultByName[attempt.result],
      reason: attempt.reason,
      at: timestampFromDate(at),
      peerIp: attempt.route?.peerIp ?? '',
      forwardedFor: attempt.route?.forwardedFor ?? [],
    });
    await this.store.append({ context: 'logins', type: 'attempt', id: attemptId }, [{ id: uuidv7(), data, occurredAt: at }], 0, {
      actor,
      source: attempt.channel === 'panel' ? 'console' : 'api',
    });
  }
}
