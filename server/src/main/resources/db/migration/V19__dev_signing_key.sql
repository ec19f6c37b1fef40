-- DEV_MODE only: the key that signs demo tokens, shared by every replica on this database, so a
-- token one replica issued is accepted by all. One row; a production database leaves it empty.
create table dev_signing_key (
  id         int primary key check (id = 1),
  jwk        text not null,
  created_at timestamptz not null default now()
);
