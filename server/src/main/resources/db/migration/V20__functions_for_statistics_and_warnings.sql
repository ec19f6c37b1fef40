-- 1. stat_rollup_pending served only the rolling update from the version before stat_rollup_delta
--    (V17): processes of that version left deltas there for the month and quarter rows of all
--    channels of items and officers. Any left are folded into those rows here and the table is
--    emptied; this version neither reads nor writes it. It is not dropped yet: during the rolling
--    update that applies this migration, processes of the previous version still read it (every
--    fold and every statistic of items and officers). A later migration drops it, once no process
--    of the previous version can run.
insert into stat_rollup as s (dim, grain, period, department, channel, key, invited, active, defaulted,
  excluded_count, l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
  appeals_upheld, follow_ups, follow_up_sum)
select d.dim, d.grain,
       case d.grain when 'quarter-all' then date_trunc('quarter', p.day)::date else date_trunc('month', p.day)::date end,
       p.department, '*', case d.dim when 'item' then p.item else p.officer end,
       sum(p.invited), sum(p.active), sum(p.defaulted), sum(p.excluded_count), sum(p.l1), sum(p.l2), sum(p.l3),
       sum(p.l4), sum(p.l5), sum(p.poor), sum(p.poor_verified), sum(p.poor_rectified), sum(p.poor_on_time),
       sum(p.appeals_filed), sum(p.appeals_upheld), sum(p.follow_ups), sum(p.follow_up_sum)
from stat_rollup_pending p
cross join (values ('item', 'month-all'), ('item', 'quarter-all'), ('officer', 'month-all'),
                   ('officer', 'quarter-all')) d(dim, grain)
group by 1, 2, 3, 4, 5, 6
on conflict (dim, grain, period, department, channel, key) do update set
  invited = s.invited + excluded.invited, active = s.active + excluded.active,
  defaulted = s.defaulted + excluded.defaulted, excluded_count = s.excluded_count + excluded.excluded_count,
  l1 = s.l1 + excluded.l1, l2 = s.l2 + excluded.l2, l3 = s.l3 + excluded.l3, l4 = s.l4 + excluded.l4,
  l5 = s.l5 + excluded.l5, poor = s.poor + excluded.poor, poor_verified = s.poor_verified + excluded.poor_verified,
  poor_rectified = s.poor_rectified + excluded.poor_rectified, poor_on_time = s.poor_on_time + excluded.poor_on_time,
  appeals_filed = s.appeals_filed + excluded.appeals_filed, appeals_upheld = s.appeals_upheld + excluded.appeals_upheld,
  follow_ups = s.follow_ups + excluded.follow_ups, follow_up_sum = s.follow_up_sum + excluded.follow_up_sum;
delete from stat_rollup_pending;

-- 2. The rollup rows that count in a range of days, for the statistics (stats feature).
--
--    stat_rollup_rows: the rows of one dimension and grain whose period is in [p_from, p_to), of
--    department p_department and channel p_channel when given. The department is a branch of its
--    own, so that the statement, prepared once and planned once for every department, still reads
--    one department's rows through stat_rollup_by_department; the branch not taken is skipped when
--    the statement starts.
--
--    stat_rollup_range: the rows that make up the days [p_from, p_end): rows of grain
--    p_month_grain ('month', or 'month-all' for items and officers over all channels) for
--    [p_month_from, p_quarter_from) and [p_quarter_to, p_month_to); 'quarter-all' rows for
--    [p_quarter_from, p_quarter_to); day rows for the edges [p_from, p_month_from) and
--    [p_month_to, p_end); and the deltas of the whole range not yet folded (grain 'delta'). Without
--    whole quarters both quarter bounds equal p_month_to; without whole months all four month and
--    quarter bounds equal p_end.
--
--    Both are plain SQL functions of one SELECT: PostgreSQL inlines them into the statement that
--    reads them, so each part is an index range scan of one partition, as if written out there.
create function stat_rollup_rows(p_dim text, p_grain text, p_from date, p_to date, p_department text,
                                  p_channel text)
returns setof stat_rollup
language sql stable
as $$
  select * from stat_rollup
  where p_department is null
    and dim = p_dim and grain = p_grain and period >= p_from and period < p_to
    and (p_channel is null or channel = p_channel)
  union all
  select * from stat_rollup
  where p_department is not null
    and dim = p_dim and grain = p_grain and department = p_department and period >= p_from and period < p_to
    and (p_channel is null or channel = p_channel)
$$;

create function stat_rollup_range(p_dim text, p_from date, p_end date, p_month_grain text, p_month_from date,
                                   p_month_to date, p_quarter_from date, p_quarter_to date, p_department text,
                                   p_channel text)
returns setof stat_rollup
language sql stable
as $$
  select * from stat_rollup_rows(p_dim, p_month_grain, p_month_from, p_quarter_from, p_department, p_channel)
  union all
  select * from stat_rollup_rows(p_dim, 'quarter-all', p_quarter_from, p_quarter_to, p_department, p_channel)
  union all
  select * from stat_rollup_rows(p_dim, p_month_grain, p_quarter_to, p_month_to, p_department, p_channel)
  union all
  select * from stat_rollup_rows(p_dim, 'day', p_from, p_month_from, p_department, p_channel)
  union all
  select * from stat_rollup_rows(p_dim, 'day', p_month_to, p_end, p_department, p_channel)
  union all
  select p_dim, 'delta', day, department, channel,
         case p_dim when 'dept' then '' when 'item' then item else officer end,
         invited, active, defaulted, excluded_count, l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified,
         poor_on_time, appeals_filed, appeals_upheld, follow_ups, follow_up_sum
  from stat_rollup_delta
  where day >= p_from and day < p_end
    and (p_department is null or department = p_department) and (p_channel is null or channel = p_channel)
$$;

-- The reason-tag rows (department dimension) that count in a range, read the same way: month rows
-- for [p_month_from, p_month_to), day rows for the edges. Tags have no deltas.
create function stat_tag_rollup_rows(p_grain text, p_from date, p_to date, p_department text, p_channel text)
returns setof stat_tag_rollup
language sql stable
as $$
  select * from stat_tag_rollup
  where p_department is null
    and dim = 'dept' and grain = p_grain and period >= p_from and period < p_to
    and (p_channel is null or channel = p_channel)
  union all
  select * from stat_tag_rollup
  where p_department is not null
    and dim = 'dept' and grain = p_grain and department = p_department and period >= p_from and period < p_to
    and (p_channel is null or channel = p_channel)
$$;

create function stat_tag_rollup_range(p_from date, p_end date, p_month_from date, p_month_to date,
                                       p_department text, p_channel text)
returns setof stat_tag_rollup
language sql stable
as $$
  select * from stat_tag_rollup_rows('month', p_month_from, p_month_to, p_department, p_channel)
  union all
  select * from stat_tag_rollup_rows('day', p_from, p_month_from, p_department, p_channel)
  union all
  select * from stat_tag_rollup_rows('day', p_month_to, p_end, p_department, p_channel)
$$;

-- 3. Whether a rectification case still runs (its department has steps to do before the reply),
--    and its deadline warning on a day: red when a deadline of a step still to do has passed,
--    yellow from its first warning day, else none. The case queues (rectification) filter by them
--    and the statistics of cases (stats) count by them.
create function rectification_case_running(c rectification_case)
returns boolean
language sql immutable
as $$
  select c.state in ('open', 'claimed', 'verified', 'rectified')
$$;

create function rectification_case_warning(c rectification_case, on_day date)
returns text
language sql immutable
as $$
  select case
    when (c.state in ('open', 'claimed') and on_day > c.verify_deadline)
         or (c.state in ('open', 'claimed', 'verified', 'rectified') and on_day > c.reply_deadline) then 'red'
    when (c.state in ('open', 'claimed') and on_day >= c.verify_warning_from)
         or (c.state in ('open', 'claimed', 'verified', 'rectified') and on_day >= c.reply_warning_from) then 'yellow'
    else 'none'
  end
$$;

-- 4. An application's deadline light on a day: while its clock runs (accepted, in review,
--    approved) red after the deadline, yellow from the first warning day, else green; none when
--    the clock does not run. Filing's queues filter by it and the overdue reminders (notify) tell
--    the level by it.
create function application_warning(a application, on_day date)
returns text
language sql immutable
as $$
  select case
    when a.state in ('accepted', 'in_review', 'approved') and a.deadline is not null then
      case when on_day > a.deadline then 'red' when on_day >= a.warning_from then 'yellow' else 'green' end
    else 'none'
  end
$$;

-- 5. Each service item as it is now: its current version's guide, its department's name, its
--    status and search text. The catalog reads and lists it; filing reads it beside the reply kept
--    for a new draft.
create view service_item_current as
select v.item_code, v.version, v.name, v.department, d.name as department_name, v.kind, v.keywords,
       v.description, v.promised_days, v.legal_days, v.visits_needed, v.fully_online, v.fee_cents,
       v.materials, v.attributes, v.published_at, i.status, i.search_text
from service_item i
join service_item_version v on v.item_code = i.code and v.version = i.current_version
join department d on d.code = v.department;
