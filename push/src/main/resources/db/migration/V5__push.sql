-- Push delivery: device tokens and the outbox of push jobs (one per device and notification).

create table push_device (
  id             uuid primary key,
  user_subject   text not null,
  token          text not null,
  platform       text not null check (platform in ('android', 'ios', 'web')),
  app_version    text,
  locale         text not null default 'zh-CN',
  active         boolean not null default true,
  retired_reason text,
  created_at     timestamptz not null,
  updated_at     timestamptz not null
);
-- A token belongs to one user at a time.
create unique index push_device_active_token on push_device (token) where active;
create index push_device_by_user on push_device (user_subject) where active;

create table push_job (
  id              bigserial primary key,
  device_id       uuid not null references push_device (id),
  token           text not null,
  kind            text not null,
  message         jsonb not null,
  status          text not null check (status in
                    ('pending', 'sending', 'sent', 'temporary-failure', 'permanent-failure', 'dead')),
  attempts        int  not null default 0,
  next_attempt_at timestamptz not null,
  lease_until     timestamptz,
  leased_by       text,
  fcm_message_id  text,
  last_error      text,
  created_at      timestamptz not null,
  updated_at      timestamptz not null
);
create index push_job_due on push_job (next_attempt_at) where status in ('pending', 'temporary-failure');
create index push_job_leases on push_job (lease_until) where status = 'sending';
create index push_job_dead on push_job (updated_at) where status = 'dead';
