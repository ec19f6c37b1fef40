-- Sending the platform reports (docs/platform-reporting.md).
--
-- Order per application: a record arrives 'held' when an earlier record of its application is not
-- sent yet, and only the first unsent record of an application is ever due. Recording a record
-- sent makes its application's next held record pending; a check every few seconds releases any
-- held record whose earlier records are all sent (one that arrived while its predecessor's 'sent'
-- was committing). The claim then walks due records only, in order, and stops after one batch.
alter table platform_report
  add column leased_by text,
  add column receipt   text,
  add column sent_at   timestamptz,
  drop constraint platform_report_status_check,
  add constraint platform_report_status_check
    check (status in ('held', 'pending', 'sending', 'sent', 'temporary-failure', 'dead'));

-- The status a record arrives with, by what its application has not sent yet. PL/pgSQL, whose
-- plan each connection keeps: a SQL function with a sub-select is never inlined, and was planned
-- again for every record (a rating cost half as much again; docs/benchmarks/hot-paths.md).
create function platform_report_arrival_status(number text) returns text language plpgsql stable as $$
begin
  if exists (select from platform_report where application_number = number and status <> 'sent') then
    return 'held';
  end if;
  return 'pending';
end
$$;

drop index platform_report_due;
drop index platform_report_by_application;
create index platform_report_due on platform_report (next_attempt_at, id) where status in ('pending', 'temporary-failure');
create index platform_report_unsent on platform_report (application_number, id) where status <> 'sent';
-- Leases that ran out (a process died) are given back by the claim.
create index platform_report_leased on platform_report (lease_until) where status = 'sending';
-- The reconciliation reads the records of a day by when they were written. BRIN: records arrive
-- in the order they are written, and a B-tree on the time would be one more page every rating
-- writes to at its right edge.
create index platform_report_by_day on platform_report using brin (created_at);

-- The workers alive now, so that they share REPORTING_RATE_PER_SECOND as the push workers share
-- theirs (V12).
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
