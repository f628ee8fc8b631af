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
  /** On a command reply: `ok` or `error`. */
  Status: 'Ops-Status',
} as const;
