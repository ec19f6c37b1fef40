-- 好差评: the reason-tag dictionary, rating invitations, ratings, rectification cases (差评整改),
-- appeals (申诉), deadline reminders of cases, and the audit trail of all of it. Nothing here is
-- ever deleted: a rating excluded by an upheld appeal is kept with the decision.

create table rating_tag_dictionary (
  version    int primary key,
  -- [{code, group: online|offline, levels: [1..5], label: {zh-CN, en}}]
  tags       jsonb not null,
  note       text,
  created_by text not null,
  created_at timestamptz not null
);

-- One per application and rateable stage it reached: the window, the one reminder, and who
-- handled the stage then (the department and officer a rating will be about).
create table rating_invitation (
  application_id  uuid not null references application (id),
  stage           text not null,
  reached_at      timestamptz not null,
  window_ends_at  timestamptz not null,
  remind_at       timestamptz,
  department      text not null references department (code),
  officer_subject text,
  rater_subject   text not null,
  state           text not null default 'open' check (state in ('open', 'rated', 'expired', 'defaulted')),
  primary key (application_id, stage)
);
create index rating_invitation_reminder on rating_invitation (remind_at) where state = 'open' and remind_at is not null;
create index rating_invitation_window on rating_invitation (window_ends_at) where state = 'open';

create table rating (
  id                 uuid primary key,
  application_id     uuid not null references application (id),
  application_number text not null,
  stage              text not null,
  level              smallint not null check (level between 1 and 5),
  poor               boolean not null,
  channel            text not null check (channel in ('app', 'web', 'hall', 'kiosk', 'hotline', 'system')),
  channel_group      text not null check (channel_group in ('online', 'offline', 'system')),
  tags               text[] not null default '{}',
  dictionary_version int references rating_tag_dictionary (version),
  comment            text,
  rater_subject      text not null,
  rater_name         text,
  department         text not null references department (code),
  region             text,
  officer_subject    text,
  item_code          text not null,
  item_version       int not null,
  source             text not null check (source in ('applicant', 'import', 'default')),
  import_client      text,
  external_id        text,
  defaulted          boolean not null default false,
  excluded           boolean not null default false,
  excluded_reason    text,
  follow_up          text check (follow_up in ('satisfied', 'basically_satisfied', 'dissatisfied')),
  follow_up_comment  text,
  follow_up_at       timestamptz,
  rated_at           timestamptz not null,
  created_at         timestamptz not null,
  unique (application_id, stage),
  unique (import_client, external_id)
);
create index rating_by_department on rating (department, rated_at desc);
create index rating_by_application on rating (application_id);

create table rectification_case (
  id                  uuid primary key,
  rating_id           uuid not null unique references rating (id),
  application_id      uuid not null references application (id),
  application_number  text not null,
  department          text not null references department (code),
  state               text not null check (state in ('open', 'claimed', 'verified', 'rectified', 'replied', 'closed')),
  opened_at           timestamptz not null,
  opened_on           date not null,
  verify_deadline     date not null,
  verify_warning_from date not null,
  reply_deadline      date not null,
  reply_warning_from  date not null,
  claimed_by          text,
  claimed_by_name     text,
  claimed_at          timestamptz,
  verified_at         timestamptz,
  finding             text check (finding in ('true', 'partly_true', 'untrue')),
  contact             jsonb,
  rectified_at        timestamptz,
  outcome             text check (outcome in ('immediate', 'ledger', 'explanation')),
  measures            text,
  ledger_deadline     date,
  replied_at          timestamptz,
  reply               text,
  closed_at           timestamptz,
  close_reason        text check (close_reason in ('follow_up', 'no_follow_up', 'appeal_upheld')),
  escalated_at        timestamptz,
  appeal_state        text not null default 'none' check (appeal_state in ('none', 'pending', 'upheld', 'rejected')),
  version             int not null default 1
);
create index rectification_case_queue on rectification_case (department, opened_at desc, id desc);
create index rectification_case_all on rectification_case (opened_at desc, id desc);
create index rectification_case_running on rectification_case (reply_deadline) where state not in ('replied', 'closed');
create index rectification_case_replied on rectification_case (replied_at) where state = 'replied';

-- One appeal per case: the department's reason and evidence, the manager's decision.
create table case_appeal (
  case_id       uuid primary key references rectification_case (id),
  reason        text not null check (reason in ('mistaken', 'malicious')),
  explanation   text not null,
  evidence      jsonb not null default '[]',
  filed_by      text not null,
  filed_at      timestamptz not null,
  decision      text check (decision in ('upheld', 'rejected')),
  decision_note text,
  decided_by    text,
  decided_at    timestamptz
);
create index case_appeal_pending on case_appeal (filed_at) where decision is null;

-- Yellow and red of each case deadline, announced once whichever replica sees it first.
create table case_reminder (
  case_id  uuid not null references rectification_case (id),
  deadline text not null check (deadline in ('verify', 'reply')),
  level    text not null check (level in ('yellow', 'red')),
  sent_at  timestamptz not null,
  primary key (case_id, deadline, level)
);

-- Every rating and every change of it or its case: who, when, what.
create table rating_audit (
  id         bigserial primary key,
  rating_id  uuid not null references rating (id),
  case_id    uuid references rectification_case (id),
  action     text not null,
  actor      text not null,
  actor_role text not null,
  note       text,
  details    jsonb not null default '{}',
  at         timestamptz not null
);
create index rating_audit_by_rating on rating_audit (rating_id, id);
create index rating_audit_by_case on rating_audit (case_id, id) where case_id is not null;

-- Managers who use the app, so that escalations and appeals reach them.
create table manager_directory (
  subject    text primary key,
  name       text,
  updated_at timestamptz not null
);

insert into rating_tag_dictionary (version, tags, note, created_by, created_at) values (1, '[
  {"code": "efficiency",      "group": "online",  "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "办事效率",     "en": "Efficiency"}},
  {"code": "guide_accuracy",  "group": "online",  "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "办事指南精确度", "en": "Accuracy of the guide"}},
  {"code": "convenience",     "group": "online",  "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "办事便捷度",   "en": "Convenience"}},
  {"code": "usability",       "group": "online",  "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "平台操作性",   "en": "Ease of use of the platform"}},
  {"code": "service_efficiency", "group": "offline", "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "服务效率", "en": "Service efficiency"}},
  {"code": "service_quality", "group": "offline", "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "服务水平",     "en": "Service quality"}},
  {"code": "service_attitude", "group": "offline", "levels": [1, 2, 3, 4, 5], "label": {"zh-CN": "服务态度",    "en": "Service attitude"}}
]', 'GB/T 39735-2020 dimensions', 'system', now());
