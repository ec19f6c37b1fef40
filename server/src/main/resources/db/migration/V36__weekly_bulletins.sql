-- The weekly 通报 (docs/bulletins.md): one per region and week, built on schedule or when a manager
-- asks; its content is kept as it was when built (the overdue lists are of that moment). The
-- unique key is what makes it one whatever many replicas build it at once.
create table weekly_bulletin (
  id         uuid        primary key,
  region     text        not null references region (code),
  region_name text       not null, -- as it was named when built: the bulletin is a document
  week_start date        not null check (extract(isodow from week_start) = 1),
  built_at   timestamptz not null,
  built_by   text        not null,
  content    jsonb       not null,
  constraint weekly_bulletin_one_per_region_and_week unique (region, week_start)
);
-- a list pages by (built_at, id) within the regions a manager sees: one row per region and week
-- keeps the table small enough for that without an index of its own
