-- The working-day calendar as data: per year, the holidays falling on weekdays and the weekend
-- days that are adjusted working days (调休). Every other Saturday and Sunday is a rest day.

create table calendar_year (
  year       int primary key,
  source     text,
  updated_at timestamptz not null default now()
);

create table calendar_day (
  day  date primary key,
  kind text not null check (kind in ('holiday', 'workday')),
  year int  not null references calendar_year (year) on delete cascade
);
