-- Every change that counts now leaves one delta here, and nothing else: the rollup rows of one
-- channel (department, item, officer; day and month) are folded from the deltas too, as the rows
-- of all channels already were from stat_rollup_pending. A rating then writes no rollup row (six
-- updates of rows every other rating of its department, item or officer also updates) but one
-- insert; the catch-up job updates each row once per batch. Statistics add the deltas not yet
-- folded, so they stay exact.
--
-- A table apart from stat_rollup_pending, so that processes of the previous version, during a
-- rolling update, neither fold these deltas into the rows of all channels only nor count them
-- twice: their deltas (rows of one channel counted already) stay there, and are folded from
-- there into the rows of all channels only.
create table stat_rollup_delta (
  id             bigint generated always as identity primary key,
  day            date not null,           -- the Shanghai day the change counts on
  department     text not null,
  channel        text not null,           -- '' for an invitation (no channel yet)
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
