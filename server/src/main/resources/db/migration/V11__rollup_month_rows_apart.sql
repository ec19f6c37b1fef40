-- Month rows kept apart from day rows. In one table the few month rows were spread over nearly
-- every page of the many day rows (both are written as ratings arrive, and a bulk rebuild writes
-- in hash order), so a year's item ranking read one page per month row: 18,000 rows from 14,000
-- pages, most of them not in shared buffers. Partitioned by grain, the month rows fill a small
-- table of their own. Rows, keys and upserts are unchanged; a query naming grain 'month' or 'day'
-- reads one partition.

alter table stat_rollup rename to stat_rollup_v10;
alter index stat_rollup_pkey rename to stat_rollup_v10_pkey;
alter index stat_rollup_by_department rename to stat_rollup_v10_by_department;

create table stat_rollup (
  dim            text not null check (dim in ('dept', 'item', 'officer')),
  grain          text not null check (grain in ('day', 'month')),
  period         date not null,
  department     text not null,
  channel        text not null,  -- '' for transactions invited to rate (they have no channel yet)
  key            text not null,  -- '' for dim dept; the item code; the officer ('' when unknown)
  invited        bigint not null default 0,
  active         bigint not null default 0,
  defaulted      bigint not null default 0,
  excluded_count bigint not null default 0,
  l1             bigint not null default 0,
  l2             bigint not null default 0,
  l3             bigint not null default 0,
  l4             bigint not null default 0,
  l5             bigint not null default 0,
  poor           bigint not null default 0,
  poor_verified  bigint not null default 0,
  poor_rectified bigint not null default 0,
  poor_on_time   bigint not null default 0,
  appeals_filed  bigint not null default 0,
  appeals_upheld bigint not null default 0,
  follow_ups     bigint not null default 0,
  follow_up_sum  bigint not null default 0,
  primary key (dim, grain, period, department, channel, key)
) partition by list (grain);
create table stat_rollup_day partition of stat_rollup for values in ('day');
create table stat_rollup_month partition of stat_rollup for values in ('month');
create index stat_rollup_by_department on stat_rollup (dim, grain, department, period);

insert into stat_rollup (dim, grain, period, department, channel, key, invited, active, defaulted, excluded_count,
                         l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
                         appeals_upheld, follow_ups, follow_up_sum)
select dim, grain, period, department, channel, key, invited, active, defaulted, excluded_count,
       l1, l2, l3, l4, l5, poor, poor_verified, poor_rectified, poor_on_time, appeals_filed,
       appeals_upheld, follow_ups, follow_up_sum
from stat_rollup_v10;
drop table stat_rollup_v10;

alter table stat_tag_rollup rename to stat_tag_rollup_v10;
alter index stat_tag_rollup_pkey rename to stat_tag_rollup_v10_pkey;
alter index stat_tag_rollup_by_department rename to stat_tag_rollup_v10_by_department;

create table stat_tag_rollup (
  dim        text not null check (dim in ('dept', 'item', 'officer')),
  grain      text not null check (grain in ('day', 'month')),
  period     date not null,
  department text not null,
  channel    text not null,
  key        text not null,
  tag        text not null,
  poor       bigint not null default 0,
  primary key (dim, grain, period, department, channel, key, tag)
) partition by list (grain);
create table stat_tag_rollup_day partition of stat_tag_rollup for values in ('day');
create table stat_tag_rollup_month partition of stat_tag_rollup for values in ('month');
create index stat_tag_rollup_by_department on stat_tag_rollup (dim, grain, department, period);

insert into stat_tag_rollup (dim, grain, period, department, channel, key, tag, poor)
select dim, grain, period, department, channel, key, tag, poor from stat_tag_rollup_v10;
drop table stat_tag_rollup_v10;
