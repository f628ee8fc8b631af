import { taskTypeNames } from '@opsledger/contracts';
import { type Kysely, sql } from 'kysely';

/**
 * Rows written straight into the Tasks and Provisioning Log read models (no events, no projector), shaped like a
 * busy platform's: mostly completed/successful, a few failed, pending only for deploys (so `type=instance.migrate` +
 * `status=pending` matches nothing), 100 hypervisors, 10,000 users, ten tasks per instance, one row a second back
 * from now. Used by the index plan tests and by `npm run bench:lists`. Rows `from`..`to` (1-based, inclusive) of a
 * list of `total`, so a large seed can be written in chunks.
 */
export async function seedTasks(db: Kysely<any>, schema: string, from: number, to: number, total: number): Promise<void> {
  const types = sql.lit(`{${taskTypeNames.join(',')}}`);
  await sql`
    insert into ${sql.table(`${schema}.task`)}
      (id, type, status, progress, attempt, user_id, hypervisor_id, instance_id, error, retryable, created_at, updated_at, version)
    select 'task-' || lpad(i::text, 9, '0'), t.type, s.status, case when s.status = 'completed' then 100 else i % 100 end, 1,
      'user-' || (i % 10000), 'hv-' || (i % 100), 'inst-' || (i % greatest(${total}::int / 10, 1)),
      case when s.status = 'failed' then 'hypervisor unreachable' end, s.status = 'failed',
      c.at, c.at + interval '30 seconds', 5
    from generate_series(${from}::int, ${to}::int) as i
    cross join lateral (select (${types}::text[])[1 + i % ${taskTypeNames.length}] as type) t
    cross join lateral (select case
      when i % 97 = 0 then 'failed' when i % 89 = 1 then 'cancelled' when i % 997 = 2 then 'running'
      when i % 1000 = 4 then 'pending' else 'completed' end as status) s
    cross join lateral (select now() - make_interval(secs => ${total}::int - i) as at) c`.execute(db);
}

export async function seedProvisioningLog(db: Kysely<any>, schema: string, from: number, to: number, total: number): Promise<void> {
  await sql`
    insert into ${sql.table(`${schema}.provisioning_log`)}
      (id, service_id, dispatch_id, domain, client_name, action, attempt, status, request, response, duration_ms,
       diagnosis_code, cause, fix, created_at)
    select 'attempt-' || lpad(i::text, 9, '0'), 'svc-' || (i % 100000), 'dispatch-' || i, 'site' || (i % 100000) || '.example',
      'Client ' || (i % 20000), (array['create','suspend','unsuspend','terminate'])[1 + (i / 7) % 4], 1,
      case when i % 50 = 0 then 'failed' else 'success' end, '{"action":"bench"}', '{"ok":true}', 100 + i % 900,
      case when i % 50 = 0 then 'timeout' end, case when i % 50 = 0 then 'the panel did not answer' end,
      case when i % 50 = 0 then 'check the panel server' end, now() - make_interval(secs => ${total}::int - i)
    from generate_series(${from}::int, ${to}::int) as i`.execute(db);
  // What the projection keeps beside the attempts: each service's domain and client once, and how many attempts name it.
  await sql`
    insert into ${sql.table(`${schema}.provisioning_log_subject_attempts`)} as s (service_id, domain, client_name, attempts)
    select service_id, domain, client_name, count(*) from ${sql.table(`${schema}.provisioning_log`)}
    where id between 'attempt-' || lpad(${from}::text, 9, '0') and 'attempt-' || lpad(${to}::text, 9, '0')
    group by 1, 2, 3
    on conflict (service_id, domain, client_name) do update set attempts = s.attempts + excluded.attempts`.execute(db);
  await sql`
    insert into ${sql.table(`${schema}.provisioning_log_subject`)} (service_id, domain, client_name)
    select service_id, domain, client_name from ${sql.table(`${schema}.provisioning_log_subject_attempts`)}
    on conflict do nothing`.execute(db);
}
