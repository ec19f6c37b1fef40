-- Month rows of items and officers for all channels together (channel '*'), so that a ranking
-- over a year sums one row per item or officer and month instead of one per channel as well.
-- Kept current from now on with the other rows (Rollups); here made from the month rows there are.
insert into stat_rollup (dim, grain, period, department, channel, key, invited, active, defaulted, excluded_count,
  l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed, appeals_upheld,
  follow_ups, follow_up_sum)
select dim, grain, period, department, '*', key, sum(invited), sum(active), sum(defaulted), sum(excluded_count),
       sum(l1), sum(l2), sum(l3), sum(l4), sum(l5), sum(poor), sum(poor_verified), sum(poor_rectified),
       sum(poor_on_time), sum(appeals_filed), sum(appeals_upheld), sum(follow_ups), sum(follow_up_sum)
from stat_rollup
where grain = 'month' and dim in ('item', 'officer') and channel <> '*'
group by dim, grain, period, department, key;
