import { assertSubjectToken } from '@opsledger/contracts';
import { describe, expect, it } from 'vitest';
import { declaredJobs } from './job-registry';
import { isJobId, jobIdOfToken, jobRef, jobToken } from './refs';

describe('job refs: a job id as a subject token, and back', () => {
  const registry = declaredJobs({ provisioningRetentionDays: 90 }).map((j) => j.id);

  it.each(registry)('%s round-trips through a valid subject token', (jobId) => {
    const token = jobToken(jobId);
    expect(() => assertSubjectToken('job', token)).not.toThrow();
    expect(jobIdOfToken(token)).toBe(jobId);
    expect(jobRef(jobId)).toEqual({ context: 'scheduler', type: 'job', id: token });
  });

  it('instance.daily-snapshot reads as instance_daily-snapshot', () => {
    expect(jobToken('instance.daily-snapshot')).toBe('instance_daily-snapshot');
  });

  it('distinct ids never share a token (generated ids)', () => {
    const parts = ['a', 'b1', 'x-y', 'daily-snapshot', '9'];
    const ids = new Set<string>();
    for (const p of parts)
      for (const q of parts) for (const r of parts) ids.add(`${p}.${q}`).add(`${p}-${q}.${r}`).add(`${p}.${q}.${r}`).add(p);
    const tokens = new Map<string, string>();
    for (const id of ids) {
      expect(isJobId(id)).toBe(true);
      const token = jobToken(id);
      expect(tokens.get(token) ?? id).toBe(id);
      tokens.set(token, id);
      expect(jobIdOfToken(token)).toBe(id);
    }
  });

  it.each(['Instance.Snapshot', 'a_b', 'a..b', '.a', 'a.', 'a b', 'a.*', '', 'a--b'])('%j is not a job id', (id) => {
    expect(isJobId(id)).toBe(false);
    expect(() => jobToken(id)).toThrow(TypeError);
  });

  it.each(['a.b', 'a__b', '_a', 'a b'])('%j is not a job token', (token) => {
    expect(() => jobIdOfToken(token)).toThrow(TypeError);
  });
});
