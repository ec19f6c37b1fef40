-- The month rows of all channels (V13) lay on the same pages as the month rows per channel, so a
-- year's officer ranking still read most of the month partition (at 10 million ratings, 9,600
-- pages for 24,000 rows). In a partition of their own (grain 'month-all') the same ranking reads
-- only them.
-- the check on grain (V11 named it after the table V10 had, which still existed then)
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
alter table stat_rollup add constraint stat_rollup_grain_check check (grain in ('day', 'month', 'month-all'));
create table stat_rollup_month_all partition of stat_rollup for values in ('month-all');

insert into stat_rollup (dim, grain, period, department, channel, key, invited, active, defaulted, excluded_count,
  l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed, appeals_upheld,
  follow_ups, follow_up_sum)
select dim, 'month-all', period, department, channel, key, invited, active, defaulted, excluded_count,
       l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed, appeals_upheld,
       follow_ups, follow_up_sum
from stat_rollup
where grain = 'month' and channel = '*';
delete from stat_rollup where grain = 'month' and channel = '*';
