-- Applications (办件), their materials, the timeline, idempotency records.

create sequence application_number_seq;

create table application (
  id                  uuid primary key,
  number              text unique,
  state               text not null,
  item_code           text not null,
  item_version        int  not null,
  department          text not null references department (code),
  applicant_subject   text not null,
  applicant_name      text,
  applicant_kind      text not null check (applicant_kind in ('citizen', 'enterprise')),
  applicant_uscc      text,
  form                jsonb not null default '{}',
  submitted_at        timestamptz,
  accepted_at         timestamptz,
  -- the deadline clock: the day it started, the last working day, the first yellow day
  clock_start         date,
  deadline            date,
  warning_from        date,
  paused_since        timestamptz,
  supplement_items    jsonb  not null default '[]',
  supplement_outstanding text[] not null default '{}',
  missing_materials   text[] not null default '{}',
  supplement_deadline date,
  decision_reason     text,
  result              jsonb,
  completed_at        timestamptz,
  created_at          timestamptz not null,
  updated_at          timestamptz not null,
  version             int not null default 1,
  foreign key (item_code, item_version) references service_item_version (item_code, version)
);
create index application_by_applicant on application (applicant_subject, created_at desc, id desc);
create index application_by_enterprise on application (applicant_uscc, created_at desc, id desc) where applicant_uscc is not null;
create index application_by_department on application (department, state, created_at desc, id desc);
create index application_running_deadline on application (deadline) where state in ('accepted', 'in_review', 'approved');

create table application_material (
  application_id uuid   not null references application (id),
  material_code  text   not null,
  file_name      text   not null,
  content_type   text   not null,
  size_bytes     bigint not null,
  sha256         text   not null,
  content        bytea  not null,
  uploaded_by    text   not null,
  uploaded_at    timestamptz not null,
  primary key (application_id, material_code)
);

create table timeline_event (
  application_id uuid not null references application (id),
  seq            int  not null,
  action         text not null,
  from_state     text,
  to_state       text not null,
  actor          text not null,
  actor_role     text not null,
  note           text,
  details        jsonb not null default '{}',
  at             timestamptz not null,
  primary key (application_id, seq)
);

-- A command's first result, kept with the change it made, so that a retry returns it.
create table idempotency_record (
  subject      text not null,
  key          text not null,
  operation    text not null,
  request_hash text not null,
  status       int  not null,
  body         jsonb not null,
  created_at   timestamptz not null default now(),
  primary key (subject, key)
);
