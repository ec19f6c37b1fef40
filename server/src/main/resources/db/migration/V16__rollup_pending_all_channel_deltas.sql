-- The rows of all channels together (item and officer, month-all and quarter-all) are the few
-- hottest rows of the rollups: every rating of an item updated the same two rows of it, and every
-- rating by an officer the same two of theirs, in the rating's own transaction, holding their
-- locks to its commit. A rating now writes its delta for them here instead, one plain insert, and
-- a catch-up job folds the deltas into those rows in batches (RollupCatchUp). Statistics read the
-- rows and the deltas not yet folded together, so they stay exact: a delta is either here or in
-- its rows, never both, since folding deletes it in the same transaction.
create table stat_rollup_pending (
  id             bigint generated always as identity primary key,
  day            date not null,           -- the Shanghai day the change counts on
  department     text not null,
  item           text not null,
  officer        text not null,           -- '' when unknown
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
  written_at     timestamptz not null default now()
);
