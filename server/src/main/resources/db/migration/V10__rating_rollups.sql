-- Rollups of 好差评 for statistics, kept in the transaction of every change they count, at two
-- grains (day and month) and three dimensions: department (with channel), service item, officer.
-- A statistic over any range sums month rows for the whole months in it and day rows for the
-- edges, so its cost follows the number of groups, not the number of ratings.
-- Ratings began with V8 in the same release, so there is nothing to backfill.

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
);
create index stat_rollup_by_department on stat_rollup (dim, grain, department, period);

-- Reasons named in counted poor ratings.
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
);
create index stat_tag_rollup_by_department on stat_tag_rollup (dim, grain, department, period);
