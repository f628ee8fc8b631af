import { isSensitiveField, sealedDigest } from './sensitive-fields';

/** A resource's fields as the audit service remembers them: JSON values, sensitive ones as digests. */
export type ResourceState = Record<string, unknown>;

export interface FieldChangeDraft {
  field: string;
  /** JSON text; empty when absent (and always empty for a sensitive field). */
  oldValue: string;
  newValue: string;
  sensitive: boolean;
}

/** The state as it may be stored: every sensitive field replaced by its digest. */
export function redactState(state: ResourceState): ResourceState {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, isSensitiveField(k) ? sealedDigest(v) : v]));
}

const json = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

/**
 * The fields that differ between the remembered state and the new one, sorted
 * by name. `replaces`: the new state is the resource's whole state (a field
 * missing from it was removed); otherwise it holds only the fields the event
 * carries. Both states are redacted first, so a sensitive field compares by
 * digest and comes out as `sensitive` with no values.
 */
export function diffStates(previous: ResourceState | undefined, next: ResourceState, replaces: boolean): FieldChangeDraft[] {
  const before = redactState(previous ?? {});
  const after = redactState(next);
  const fields = new Set([...Object.keys(after), ...(replaces ? Object.keys(before) : [])]);
  const changes: FieldChangeDraft[] = [];
  for (const field of [...fields].sort()) {
    const oldJson = json(before[field]);
    const newJson = json(after[field]);
    if (oldJson === newJson) continue;
    changes.push(
      isSensitiveField(field)
        ? { field, oldValue: '', newValue: '', sensitive: true }
        : { field, oldValue: oldJson, newValue: newJson, sensitive: false },
    );
  }
  return changes;
}

/** The remembered state after the event: the new fields over the old (or only the new ones when they replace). */
export function nextState(previous: ResourceState | undefined, next: ResourceState, replaces: boolean): ResourceState {
  return redactState(replaces ? next : { ...(previous ?? {}), ...next });
}
