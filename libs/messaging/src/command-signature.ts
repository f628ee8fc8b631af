import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a command's signature covers: who sends it (the actor and door on the
 * command), as part of what (its correlation id), which command, and when.
 * Signed by the sender with the shared COMMAND_SIGNING_KEY (HMAC-SHA256), it
 * lets a service trust the actor a command declares: a client on the NATS
 * network without the key cannot send commands as staff.
 */
export interface SignedFields {
  actorKind: number;
  actorId: string;
  source: number;
  correlationId: string;
  commandType: string;
  /** Milliseconds since the epoch, as sent in Ops-Signed-At. */
  signedAt: number;
}

/** How old a signature may be when it arrives: enough for clock skew between pods, too little to replay a captured one later. */
export const SIGNATURE_MAX_AGE_MS = 60_000;

export function commandSignature(key: string, f: SignedFields): string {
  const text = JSON.stringify([f.actorKind, f.actorId, f.source, f.correlationId, f.commandType, f.signedAt]);
  return createHmac('sha256', key).update(text).digest('base64url');
}

/** Why a command's signature is refused, or undefined when it holds. */
export function signatureProblem(
  key: string,
  fields: Omit<SignedFields, 'signedAt'>,
  signedAt: string | undefined,
  signature: string | undefined,
  now = Date.now(),
  maxAgeMs = SIGNATURE_MAX_AGE_MS,
): string | undefined {
  if (!signature || !signedAt)
    return 'the command is not signed (Ops-Signature, Ops-Signed-At): only a sender holding COMMAND_SIGNING_KEY may send it';
  const at = /^\d{1,15}$/.test(signedAt) ? Number(signedAt) : NaN;
  if (!Number.isFinite(at)) return 'Ops-Signed-At is not a time in milliseconds';
  const expected = Buffer.from(commandSignature(key, { ...fields, signedAt: at }));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the signature does not match the command’s actor, source, correlation id and type: a forged or altered command';
  if (Math.abs(now - at) > maxAgeMs)
    return `the signature is stale: signed ${Math.round((now - at) / 1000)} s from now, more than ${maxAgeMs / 1000} s`;
  return undefined;
}
