-- A bulletin is announced to its region's managers once, by the schedule, whoever built it: a
-- manager may build the week's bulletin between the week's end and the scheduled moment, and the
-- schedule then announces the one kept (docs/bulletins.md). Those built on schedule so far were
-- announced as they were kept.
alter table weekly_bulletin add column announced_at timestamptz;
update weekly_bulletin set announced_at = built_at where built_by = 'schedule';
