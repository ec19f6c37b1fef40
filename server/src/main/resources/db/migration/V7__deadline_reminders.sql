-- Officers who use the app, by department, so that deadline reminders reach them; and the
-- reminders sent, one per application and level, whichever replica sends it.

create table officer_directory (
  subject    text primary key,
  department text not null references department (code),
  name       text,
  updated_at timestamptz not null
);
create index officer_directory_by_department on officer_directory (department);

create table deadline_reminder (
  application_id uuid not null references application (id),
  level          text not null check (level in ('yellow', 'red')),
  sent_at        timestamptz not null,
  primary key (application_id, level)
);
