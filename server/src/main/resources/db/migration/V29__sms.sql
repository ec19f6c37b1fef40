-- SMS to applicants without the app (docs/sms.md): an outbox like push_job, drained by the same
-- outbox worker. The number is sealed as on the application (PhoneVault) and opened only to send.
-- A job is queued 'pending', or recorded without sending as 'opted-out' (the number asked to get
-- nothing more) or 'limited' (the number had its day's share); then 'sending', 'sent' (the
-- provider took it: provider_serial names it in receipts), 'delivered' or 'undelivered' (its
-- receipt), 'temporary-failure', 'dead' (rejected or out of attempts) or 'permanent-failure'
-- (a number that cannot receive).
create table sms_job (
  id               bigserial   primary key,
  kind             text        not null,
  application_id   uuid        references application (id),
  phone            text        not null,
  phone_hash       bytea       not null,
  params           jsonb       not null,
  status           text        not null check (status in ('pending', 'opted-out', 'limited', 'sending', 'sent',
                                 'delivered', 'undelivered', 'temporary-failure', 'dead', 'permanent-failure')),
  attempts         int         not null default 0,
  next_attempt_at  timestamptz not null,
  lease_until      timestamptz,
  leased_by        text,
  provider_serial  text,
  last_error       text,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  receipt_at       timestamptz
);
create index sms_job_due on sms_job (next_attempt_at, id) where status in ('pending', 'temporary-failure');
create index sms_job_leased on sms_job (lease_until) where status = 'sending';
create index sms_job_by_phone on sms_job (phone_hash, created_at);
create index sms_job_by_serial on sms_job (provider_serial) where provider_serial is not null;

create table sms_worker (
  id      text primary key,
  seen_at timestamptz not null
);

-- numbers that asked for no more messages (回复TD退订), by look-up hash
create table sms_opt_out (
  phone_hash bytea       primary key,
  at         timestamptz not null,
  source     text        not null
);
