-- Demo history for the dashboard: 360 completed applications of the demo catalog over the last 90
-- days, most of them rated (in the app, on the web, in halls and at kiosks), with a case for every
-- poor rating in every state of its life, a few overdue, a few appealed. Loaded once, with the demo
-- data, only when the server itself loads it (never into test databases). Statistics rollups are
-- rebuilt from these rows right after.

create temporary table demo_history on commit drop as
select g,
       md5('demo-history-' || g)::uuid as id,
       'ZB' || to_char(t at time zone 'Asia/Shanghai', 'YYYYMMDD') || lpad((90000000 + g)::text, 8, '0') as number,
       i.code as item, i.current_version as version, i.department as dept, o.officer,
       case when g % 5 = 0 then 'citizen-zhang' when g % 5 = 1 then 'citizen-li' else 'demo-citizen-' || (g % 60) end
         as citizen,
       t,
       (g * 37) % 100 as p,
       (g * 53) % 100 as q
from generate_series(1, 360) g
cross join lateral (select now() - (g::float8 / 360) * interval '90 days' as t) tt
join (select code, department, current_version, row_number() over (order by code) - 1 as k, count(*) over () as n
      from service_item) i on i.k = (g * 7) % i.n
join (values ('SCJGJ', 'officer-scjg'), ('GAJ', 'officer-gongan'), ('RSJ', 'officer-renshe'),
             ('ZJJ', 'officer-zhujian'), ('MZJ', 'officer-minzheng'), ('WJW', 'officer-weijian'),
             ('JTJ', 'officer-jiaotong'), ('YBJ', 'officer-yibao')) o(dept, officer) on o.dept = i.department;

insert into application (id, number, state, item_code, item_version, department, applicant_subject, applicant_name,
  applicant_kind, form, submitted_at, accepted_at, clock_start, deadline, warning_from, result, completed_at,
  created_at, updated_at)
select h.id, number, 'completed', item, version, dept, citizen, u.name, 'citizen', '{}', t - interval '5 days',
       t - interval '4 days', (t - interval '4 days')::date, (t + interval '2 days')::date, t::date,
       '{"kind": "notice"}', t, t - interval '5 days', t
from demo_history h left join demo_user u on u.id = h.citizen;

insert into timeline_event (application_id, seq, action, from_state, to_state, actor, actor_role, details, at)
select id, 1, 'complete', 'approved', 'completed', officer, 'officer', '{}', t from demo_history;

-- 85 in 100 rated; the rest expired unrated, or still open when recent
insert into rating_invitation (application_id, stage, reached_at, window_ends_at, department, officer_subject,
  rater_subject, state)
select id, 'completed', t, t + interval '7 days', dept, officer, citizen,
       case when p < 85 then 'rated' when t + interval '7 days' < now() then 'expired' else 'open' end
from demo_history;

insert into rating (id, application_id, application_number, stage, level, poor, channel, channel_group, tags,
  dictionary_version, comment, rater_subject, rater_name, department, region, officer_subject, item_code, item_version,
  source, import_client, external_id, rated_at, created_at)
select md5('demo-rating-' || g)::uuid, h.id, number, 'completed', lvl, lvl <= 2, ch,
       case when ch in ('app', 'web') then 'online' else 'offline' end,
       case when lvl > 2 then '{}'::text[]
            when ch in ('app', 'web') then array[(array['efficiency', 'guide_accuracy', 'convenience', 'usability'])[1 + g % 4]]
            else array[(array['service_efficiency', 'service_quality', 'service_attitude'])[1 + g % 3]] end,
       1,
       case when lvl <= 2 then (array['等候时间太长，窗口只开了一个', '办事指南写的材料和窗口要求不一致',
                                      '网上提交后迟迟没有进度', '工作人员态度生硬'])[1 + g % 4]
            when g % 6 = 0 then '办理很快，点赞' end,
       citizen, u.name, dept, '440300', officer, item, version,
       case when ch in ('app', 'web') then 'applicant' else 'import' end,
       case when ch in ('app', 'web') then null else 'demo-hall' end,
       case when ch in ('app', 'web') then null else 'DEMO-' || g end,
       least(t + interval '1 day', now()), least(t + interval '1 day', now())
from (select h.*, case when q < 50 then 5 when q < 70 then 4 when q < 82 then 3 when q < 92 then 2 else 1 end as lvl,
             (array['app', 'web', 'hall', 'kiosk'])[1 + g % 4] as ch
      from demo_history h where p < 85) h
left join demo_user u on u.id = h.citizen;

-- a case for every poor rating, as far along as its age and a few stubborn ones allow
insert into rectification_case (id, rating_id, application_id, application_number, department, state, opened_at,
  opened_on, verify_deadline, verify_warning_from, reply_deadline, reply_warning_from, claimed_by, claimed_by_name,
  claimed_at, verified_at, finding, contact, rectified_at, outcome, measures, replied_at, reply, closed_at,
  close_reason, appeal_state)
select md5('demo-case-' || r.id)::uuid, r.id, r.application_id, r.application_number, r.department, st, r.rated_at,
       d, d + 1, d + 1, d + 21, d + 17,
       case when st <> 'open' then r.officer_subject end, null, case when st <> 'open' then r.rated_at + interval '2 hours' end,
       case when st in ('replied', 'closed') then r.rated_at + interval '1 day' end,
       case when st in ('replied', 'closed') then (array['true', 'partly_true', 'untrue'])[1 + h % 3] end,
       case when st in ('replied', 'closed') then jsonb_build_object('method', 'phone',
         'contactedAt', to_char(r.rated_at + interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'note', '电话回访，已核实情况') end,
       case when st in ('replied', 'closed') then r.rated_at + interval '4 days' end,
       case when st in ('replied', 'closed') then (array['immediate', 'ledger', 'explanation'])[1 + h % 3] end,
       case when st in ('replied', 'closed') then '调整窗口排班，更新办事指南' end,
       case when st in ('replied', 'closed') then r.rated_at + interval '6 days' end,
       case when st in ('replied', 'closed') then '感谢反馈，已增开窗口并更新办事指南。' end,
       case when st = 'closed' then r.rated_at + interval '8 days' end,
       case when st = 'closed' then (case when h % 3 = 0 then 'no_follow_up' else 'follow_up' end) end,
       case when h % 11 = 0 and st <> 'closed' then 'pending' else 'none' end
from (select r.*, (r.rated_at at time zone 'Asia/Shanghai')::date as d, abs(hashtext(r.id::text)::bigint) as h,
             case when abs(hashtext(r.id::text)::bigint) % 7 = 0 or r.rated_at > now() - interval '2 days' then 'open'
                  when r.rated_at > now() - interval '6 days' then 'claimed'
                  when r.rated_at > now() - interval '9 days' then 'replied'
                  else 'closed' end as st
      from rating r where r.poor and r.id in (select md5('demo-rating-' || g)::uuid from demo_history)) r;

update rating r set follow_up = (array['satisfied', 'basically_satisfied', 'dissatisfied'])[1 + abs(hashtext(r.id::text)) % 3],
       follow_up_at = c.closed_at
from rectification_case c where c.rating_id = r.id and c.close_reason = 'follow_up';

insert into case_appeal (case_id, reason, explanation, filed_by, filed_at)
select id, 'mistaken', '评价人反映的问题不属于本部门事项', coalesce(claimed_by, 'officer-minzheng'), opened_at + interval '3 hours'
from rectification_case where appeal_state = 'pending'
  and rating_id in (select md5('demo-rating-' || g)::uuid from demo_history);

insert into rating_audit (rating_id, case_id, action, actor, actor_role, note, details, at)
select r.id, c.id, case when r.source = 'import' then 'imported' else 'rated' end,
       coalesce(r.import_client, r.rater_subject), case when r.source = 'import' then 'integration' else 'citizen' end,
       r.comment, jsonb_build_object('level', r.level, 'channel', r.channel), r.rated_at
from rating r left join rectification_case c on c.rating_id = r.id
where r.id in (select md5('demo-rating-' || g)::uuid from demo_history);
