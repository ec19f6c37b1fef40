-- Quarter rows of items and officers for all channels together (grain 'quarter-all', a partition
-- of its own). A year's officer ranking read 24,000 month rows (2,000 officers x 12 months) and
-- spent 45 ms summing them at 2 million ratings; with quarters, a year that is not a calendar
-- year is one month, three quarters and two months: half the rows.
do $$
declare
  c text;
begin
  for c in select conname from pg_constraint
           where conrelid = 'stat_rollup'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%grain%'
  loop
    execute format('alter table stat_rollup drop constraint %I', c);
  end loop;
end $$;
alter table stat_rollup add constraint stat_rollup_grain_check
  check (grain in ('day', 'month', 'month-all', 'quarter-all'));
create table stat_rollup_quarter_all partition of stat_rollup for values in ('quarter-all');

insert into stat_rollup (dim, grain, period, department, channel, key, invited, active, defaulted, excluded_count,
  l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed, appeals_upheld,
  follow_ups, follow_up_sum)
select dim, 'quarter-all', date_trunc('quarter', period)::date, department, channel, key, sum(invited), sum(active),
       sum(defaulted), sum(excluded_count), sum(l1), sum(l2), sum(l3), sum(l4), sum(l5), sum(poor), sum(poor_verified),
       sum(poor_rectified), sum(poor_on_time), sum(appeals_filed), sum(appeals_upheld), sum(follow_ups),
       sum(follow_up_sum)
from stat_rollup
where grain = 'month-all'
group by dim, date_trunc('quarter', period)::date, department, channel, key;
