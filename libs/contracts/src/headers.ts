/** Headers every event and command carries (DESIGN.md §2). */
export const Headers = {
  EventType: 'Ops-Event-Type',
  EventId: 'Ops-Event-Id',
  OccurredAt: 'Ops-Occurred-At',
  Actor: 'Ops-Actor',
  Source: 'Ops-Source',
  Traceparent: 'traceparent',
  Tracestate: 'tracestate',
  CommandType: 'Ops-Command-Type',
  /**
   * The click (or job) a command and everything it causes belong to: set by the
   * gateway per request, copied by a service from its command onto the events it
   * appends, and from a causing event onto the work it starts. Optional.
   */
  CorrelationId: 'Ops-Correlation-Id',
  /**
   * The address of the client whose request caused a command (the gateway's
   * view of it), carried like the correlation id: from the request to the
   * command, from the command to its events. For the audit log. Optional.
   */
  ClientIp: 'Ops-Client-Ip',
  /**
   * The client's Idempotency-Key for a creating request, carried to the command
   * so the service derives the new aggregate's id and its event ids from it
   * (with the actor and command type): a retry finds the first result. Optional.
   */
  IdempotencyKey: 'Ops-Idempotency-Key',
  /** When the sender signed the command (ms since the epoch), and the HMAC-SHA256 over its actor, source, correlation id, type and that time. */
  SignedAt: 'Ops-Signed-At',
  Signature: 'Ops-Signature',
  /** On a command reply: `ok` or `error`. */
  Status: 'Ops-Status',
} as const;
