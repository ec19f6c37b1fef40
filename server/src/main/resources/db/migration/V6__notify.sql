-- The inbox (notification centre) and notification preferences.

create table notification (
  id             uuid primary key,
  user_subject   text not null,
  kind           text not null,
  category       text not null check (category in ('progress', 'rating', 'reminder')),
  application_id uuid references application (id),
  params         jsonb not null default '{}',
  created_at     timestamptz not null,
  read_at        timestamptz
);
create index notification_inbox on notification (user_subject, created_at desc, id desc);
create index notification_unread on notification (user_subject) where read_at is null;

create table notification_preference (
  user_subject        text primary key,
  disabled_categories text[] not null default '{}',
  quiet_start         time,
  quiet_end           time,
  updated_at          timestamptz not null
);
