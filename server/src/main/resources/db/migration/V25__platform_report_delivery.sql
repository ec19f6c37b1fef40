-- Sending the platform reports (docs/platform-reporting.md): the worker that holds a record's lease,
-- the platform's receipt, and the workers alive now, so that they share REPORTING_RATE_PER_SECOND as
-- the push workers share theirs (V12).
alter table platform_report
  add column leased_by text,
  add column receipt   text,
  add column sent_at   timestamptz;

-- A record goes out only when every earlier record of its application has been sent: the claim
-- asks this index whether one is still waiting, and it holds only the records not sent yet.
create index platform_report_unsent on platform_report (application_number, id) where status <> 'sent';

-- The reconciliation (对账) reads the records of a day by when they were written.
create index platform_report_by_day on platform_report (created_at);

create table platform_report_worker (
  id      text primary key,
  seen_at timestamptz not null
);

-- The daily reconciliation (对账): per day (in TIMEZONE) and kind, the records written and what
-- became of them, checked again each day for the last week as late acknowledgements arrive.
create table platform_report_reconciliation (
  day          date        not null,
  kind         text        not null,
  written      bigint      not null,
  acknowledged bigint      not null,
  dead         bigint      not null,
  waiting      bigint      not null,
  checked_at   timestamptz not null,
  primary key (day, kind)
);
