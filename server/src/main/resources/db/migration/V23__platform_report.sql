-- The records owed to the provincial platform (docs/platform-reporting.md), each written in the
-- transaction of the change it reports, in Zhangban's canonical shape (a profile renders it when
-- it is sent), to go out in order per application. Written only when a profile is configured.
create table platform_report (
  id                 bigint generated always as identity primary key,
  application_number text        not null,
  kind               text        not null,
  record             jsonb       not null,
  status             text        not null default 'pending'
                       check (status in ('pending', 'sending', 'sent', 'temporary-failure', 'dead')),
  attempts           int         not null default 0,
  next_attempt_at    timestamptz not null,
  lease_until        timestamptz,
  last_error         text,
  created_at         timestamptz not null,
  updated_at         timestamptz not null
);
create index platform_report_due on platform_report (next_attempt_at) where status in ('pending', 'temporary-failure');
create index platform_report_by_application on platform_report (application_number, id);
