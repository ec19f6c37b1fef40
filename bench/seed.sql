-- Seeds the hot-path benchmark (psql -v users=N -v apps=M -v officers=K), into a database the server has
-- migrated and loaded its demo data into:
--
-- * citizens bench-citizen-0 .. N-1 in demo_user, so that POST /dev/tokens signs real tokens for
--   them;
-- * M completed applications, application n filed by citizen n % N for item n % (number of
--   items), in the state the real flow leaves them: create and submit by the citizen, accept,
--   start_review, approve and complete by one of K officers of the department (bench-officer-<department>-<k>,
--   application n by officer (n / items) % K: a department's work is spread over its officers, as in a
--   province, rather than all of it one officer's, so the officers' rollup rows are as contended as
--   real ones). That is the
--   application row (numbered from application_number_seq, version 6), its six timeline events,
--   the citizen's inbox entries (five progress notices and the rating invitation; no pushes, the
--   citizens have no devices), the open rating invitation of the completed stage with its window
--   and reminder (Invitations.transitioned), and the invitations counted in the statistics
--   rollups (Rollups.invited). No materials: no path measured reads them.
--
-- Completions lie within the last 48 hours, so every window is open and no reminder falls due
-- while the benchmark runs. Ids are md5('bench-app-' || n), as the demo history makes its ids.
--
-- bench_item and bench_app are the benchmark's own lookup tables: the wrk scripts get their
-- application ids from bench_app, the reference transaction its item, department and officer from
-- bench_item.

\set ON_ERROR_STOP on
begin;

insert into demo_user (id, name, roles)
select 'bench-citizen-' || u, '市民' || u, array['citizen']::text[]
from generate_series(0, :users - 1) u;

create table bench_item as
select (row_number() over (order by i.code) - 1)::int as k, i.code, i.current_version as version, i.department,
       v.name, v.promised_days, o.officer,
       (select coalesce(jsonb_object_agg(a ->> 'code', case a ->> 'datatype'
                  when 'number' then '12.5'::jsonb
                  when 'integer' then '3'::jsonb
                  when 'boolean' then 'true'::jsonb
                  when 'date' then '"2026-03-15"'::jsonb
                  when 'singlevaluelist' then to_jsonb(a -> 'values' -> 0 ->> 'key')
                  when 'multivaluelist' then jsonb_build_array(a -> 'values' -> 0 ->> 'key')
                  else '"深圳市福田区福华一路 8 号"'::jsonb end), '{}')
        from jsonb_array_elements(v.attributes) a) as form
from service_item i
join service_item_version v on v.item_code = i.code and v.version = i.current_version
join (select department, min(id) as officer from demo_user where 'officer' = any (roles) group by department) o
  on o.department = i.department
where i.status = 'active';
alter table bench_item add primary key (k);

insert into demo_user (id, name, roles, department)
select 'bench-officer-' || d.department || '-' || k, '办事员' || k, array['officer']::text[], d.department
from (select distinct department from bench_item) d
cross join generate_series(0, :officers - 1) k;

-- With -v directory=1 the officers are also in the directory of officers who use the app, as
-- every officer who has signed in is in production: a poor rating's case then tells each of its
-- department's officers (inbox entry, preferences, devices), in the rating's transaction.
\if :directory
insert into officer_directory (subject, department, name, updated_at)
select 'bench-officer-' || d.department || '-' || k, d.department, '办事员' || k, now()
from (select distinct department from bench_item) d
cross join generate_series(0, :officers - 1) k
on conflict (subject) do nothing;
\endif

create table bench_app as
select n, md5('bench-app-' || n)::uuid as id, n % :users as u, 'bench-citizen-' || (n % :users) as subject,
       n % (select count(*) from bench_item)::int as k,
       (n / (select count(*) from bench_item)::int) % :officers as officer_k,
       -- completed within the last 48 hours; the earlier steps before it
       now() - interval '1 minute' - ((n::bigint * 7919) % 172800) * interval '1 second' as completed_at
from generate_series(0, :apps - 1) n;
alter table bench_app add primary key (n);

create temporary table steps on commit drop as
select b.n, b.id, b.u, b.subject, i.code, i.version, i.department,
       'bench-officer-' || i.department || '-' || b.officer_k as officer, i.name as item_name, i.form,
       b.completed_at - interval '6 days' as created_at,
       b.completed_at - interval '6 days' + interval '1 hour' as submitted_at,
       b.completed_at - interval '5 days' as accepted_at,
       b.completed_at - interval '5 days' + interval '1 hour' as review_at,
       b.completed_at - interval '1 day' as approved_at,
       b.completed_at,
       ((b.completed_at - interval '5 days') at time zone 'Asia/Shanghai')::date as clock_start,
       ((b.completed_at - interval '5 days') at time zone 'Asia/Shanghai')::date + greatest(i.promised_days, 1) + 2
         as deadline,
       'ZB' || to_char((b.completed_at - interval '6 days' + interval '1 hour') at time zone 'Asia/Shanghai', 'YYYYMMDD')
         || lpad(nextval('application_number_seq')::text, 8, '0') as number,
       jsonb_build_object('kind', 'electronic_licence', 'licenceRef', 'DZZZ-' || b.id) as result
from bench_app b join bench_item i on i.k = b.k;

insert into application (id, number, state, item_code, item_version, department, applicant_subject, applicant_name,
  applicant_kind, form, submitted_at, accepted_at, clock_start, deadline, warning_from, result, completed_at,
  created_at, updated_at, version)
select id, number, 'completed', code, version, department, subject, '市民' || u, 'citizen', form, submitted_at,
       accepted_at, clock_start, deadline, deadline - 1, result, completed_at, created_at, completed_at, 6
from steps;

insert into timeline_event (application_id, seq, action, from_state, to_state, actor, actor_role, note, details, at)
select s.id, e.seq, e.action, e.from_state, e.to_state,
       case when e.seq <= 2 then s.subject else s.officer end,
       case when e.seq <= 2 then 'citizen' else 'officer' end,
       null,
       case e.action
         when 'create' then jsonb_build_object('itemVersion', s.version)
         when 'submit' then jsonb_build_object('number', s.number)
         when 'accept' then jsonb_build_object('deadline', s.deadline::text)
         when 'complete' then jsonb_build_object('result', s.result)
         else '{}'::jsonb end,
       case e.seq when 1 then s.created_at when 2 then s.submitted_at when 3 then s.accepted_at
         when 4 then s.review_at when 5 then s.approved_at else s.completed_at end
from steps s
cross join (values (1, 'create', null, 'draft'), (2, 'submit', 'draft', 'submitted'),
                   (3, 'accept', 'submitted', 'accepted'), (4, 'start_review', 'accepted', 'in_review'),
                   (5, 'approve', 'in_review', 'approved'), (6, 'complete', 'approved', 'completed'))
  e(seq, action, from_state, to_state);

insert into notification (id, user_subject, kind, category, application_id, params, created_at)
select md5('bench-notice-' || s.n || '-' || e.kind)::uuid, s.subject, e.kind, e.category, s.id,
       case when e.category = 'rating' then jsonb_build_object('item', s.item_name, 'number', s.number,
              'stage', jsonb_build_object('zh-CN', '办结', 'en', 'completion'),
              'until', to_char((s.completed_at + interval '7 days') at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
              'deepLink', 'zhangban://applications/' || s.id || '/rate?stage=completed')
            else jsonb_build_object('item', s.item_name, 'number', s.number, 'state', e.state,
              'deepLink', 'zhangban://applications/' || s.id)
              || case when e.kind = 'application_accepted' then jsonb_build_object('deadline', s.deadline::text)
                      else '{}'::jsonb end end,
       case e.kind when 'application_submitted' then s.submitted_at when 'application_accepted' then s.accepted_at
         when 'review_started' then s.review_at when 'application_approved' then s.approved_at
         else s.completed_at end
from steps s
cross join (values ('application_submitted', 'progress', 'submitted'), ('application_accepted', 'progress', 'accepted'),
                   ('review_started', 'progress', 'in_review'), ('application_approved', 'progress', 'approved'),
                   ('application_completed', 'progress', 'completed'), ('rating_invitation', 'rating', 'completed'))
  e(kind, category, state);

insert into rating_invitation (application_id, stage, reached_at, window_ends_at, remind_at, department,
  officer_subject, rater_subject)
select id, 'completed', completed_at, completed_at + interval '7 days', completed_at + interval '3 days', department,
       officer, subject
from steps;

-- what Rollups.invited adds for each invitation, summed, with its deltas for the rows of all
-- channels already folded (RollupCatchUp)
insert into stat_rollup as s (dim, grain, period, department, channel, key, invited)
select d.dim, g.grain, case g.grain when 'day' then r.day when 'quarter-all' then date_trunc('quarter', r.day)::date
                         else date_trunc('month', r.day)::date end,
       r.department, g.channel, case d.dim when 'dept' then '' when 'item' then r.code else r.officer end, count(*)
from (select (completed_at at time zone 'Asia/Shanghai')::date as day, department, code, officer from steps) r
cross join (values ('dept'), ('item'), ('officer')) d(dim)
cross join (values ('day', ''), ('month', ''), ('month-all', '*'), ('quarter-all', '*')) g(grain, channel)
where d.dim <> 'dept' or g.channel = ''
group by 1, 2, 3, 4, 5, 6
on conflict (dim, grain, period, department, channel, key) do update set invited = s.invited + excluded.invited;

-- the reference transaction's outbox rows go to this device; it belongs to nobody who is notified
insert into push_device (id, user_subject, token, platform, app_version, locale, active, created_at, updated_at)
values (md5('bench-reference-device')::uuid, 'bench-reference', 'bench-reference-token', 'android', '1.0.0', 'zh-CN',
        false, now(), now());
create sequence bench_ref_seq;

commit;

vacuum analyze;
