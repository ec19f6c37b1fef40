-- Departments, service items (事项) and their versioned guides (办事指南).

create table department (
  code                 text primary key,
  name                 text not null,
  region               text,
  uses_external_system boolean not null default false,
  created_at           timestamptz not null default now()
);

-- One row per item; the guide itself lives in service_item_version so that an application keeps
-- the guide it was filed under when the item changes.
create table service_item (
  code            text primary key,
  department      text not null references department (code),
  current_version int  not null,
  status          text not null check (status in ('active', 'retired')),
  search_text     text not null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
create index service_item_department on service_item (department, code);

create table service_item_version (
  item_code     text    not null references service_item (code),
  version       int     not null,
  name          text    not null,
  department    text    not null references department (code),
  kind          text    not null,
  keywords      text[]  not null default '{}',
  description   text,
  promised_days int     not null check (promised_days >= 0),
  legal_days    int     not null check (legal_days >= 0),
  visits_needed int     not null check (visits_needed in (0, 1)),
  fully_online  boolean not null,
  fee_cents     bigint  not null default 0,
  materials     jsonb   not null default '[]',
  attributes    jsonb   not null default '[]',
  published_at  timestamptz not null default now(),
  primary key (item_code, version)
);

-- Users a DEV_MODE server can sign demo tokens for. Real users come from the identity provider.
create table demo_user (
  id         text primary key,
  name       text   not null,
  roles      text[] not null,
  department text references department (code),
  uscc       text
);
