import { ValidationError, type Violation } from '@opsledger/messaging';
import type { ResourceSpec } from './resource-spec';

export interface ListQuery {
  filters: Record<string, unknown>;
  q: string | undefined;
  sort: { field: string; column: string; order: 'ASC' | 'DESC' };
  start: number;
  end: number;
}

export const MAX_PAGE = 500;

/**
 * Parses react-admin's `filter`, `sort` and `range` query parameters against
 * the resource's whitelist. Every problem is reported at once, each naming
 * the parameter (`filter.status`, `sort`, `range`) and the rule.
 */
export function parseListQuery(spec: ResourceSpec<any>, query: Record<string, unknown>): ListQuery {
  const violations: Violation[] = [];
  const json = (name: string, fallback: unknown) => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    if (typeof raw !== 'string') return (violations.push({ field: name, rule: 'json', message: 'must be given once, as JSON' }), fallback);
    try {
      return JSON.parse(raw);
    } catch {
      violations.push({ field: name, rule: 'json', message: 'is not valid JSON' });
      return fallback;
    }
  };

  const rawFilter = json('filter', {});
  const filters: Record<string, unknown> = {};
  let q: string | undefined;
  if (rawFilter === null || typeof rawFilter !== 'object' || Array.isArray(rawFilter)) {
    violations.push({ field: 'filter', rule: 'object', message: 'must be a JSON object' });
  } else {
    for (const [name, value] of Object.entries(rawFilter)) {
      if (name === 'q' && spec.search) {
        if (typeof value !== 'string' || value.length > 200)
          violations.push({ field: 'filter.q', rule: 'string', message: 'must be text of at most 200 characters' });
        else if (value.trim()) q = value.trim();
        continue;
      }
      const filter = Object.hasOwn(spec.filters, name) ? spec.filters[name] : undefined;
      if (!filter) {
        violations.push({
          field: `filter.${name}`,
          rule: 'unknown',
          message: `is not a filter of ${spec.resource}; use one of ${[...Object.keys(spec.filters), ...(spec.search ? ['q'] : [])].join(', ')}`,
        });
        continue;
      }
      const parsed = filter.schema.safeParse(value);
      if (parsed.success) filters[name] = parsed.data;
      else violations.push({ field: `filter.${name}`, rule: 'invalid', message: parsed.error.issues[0]?.message ?? 'invalid value' });
    }
  }

  const rawSort = json('sort', spec.defaultSort);
  let sort: ListQuery['sort'] = { field: spec.defaultSort[0], column: spec.sortable[spec.defaultSort[0]]!, order: spec.defaultSort[1] };
  if (
    !Array.isArray(rawSort) ||
    rawSort.length !== 2 ||
    !(typeof rawSort[0] === 'string' && Object.hasOwn(spec.sortable, rawSort[0])) ||
    !['ASC', 'DESC'].includes(rawSort[1])
  ) {
    violations.push({
      field: 'sort',
      rule: 'one_of',
      message: `must be ["<field>","ASC"|"DESC"] with field one of ${Object.keys(spec.sortable).join(', ')}`,
    });
  } else {
    sort = { field: rawSort[0], column: spec.sortable[rawSort[0]]!, order: rawSort[1] };
  }

  const rawRange = json('range', [0, 24]);
  let [start, end] = [0, 24];
  const validRange =
    Array.isArray(rawRange) &&
    rawRange.length === 2 &&
    rawRange.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    rawRange[1] >= rawRange[0] &&
    rawRange[1] - rawRange[0] < MAX_PAGE;
  if (!validRange)
    violations.push({ field: 'range', rule: 'range', message: `must be [start,end] with 0 ≤ start ≤ end and at most ${MAX_PAGE} rows` });
  else [start, end] = rawRange as [number, number];

  if (violations.length) throw new ValidationError(violations);
  return { filters, q, sort, start, end };
}
