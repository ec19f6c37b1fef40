-- Rating links (docs/ratings.md): a single-use link for one stage of one application, to rate
-- without the app, sent by SMS or shown as a QR code. The link carries an unguessable 256-bit
-- token; only its SHA-256 digest is kept, so the table cannot be used to rate. The link is good
-- until the stage's rating window closes (expires_at), unless revoked; it is used once the stage
-- is rated (through it or any other channel).
create table rating_link (
  id             uuid        primary key,
  token_digest   bytea       not null unique,
  application_id uuid        not null references application (id),
  stage          text        not null,
  channel        text        not null check (channel in ('qr', 'sms')),
  created_by     text        not null,
  created_at     timestamptz not null,
  expires_at     timestamptz not null,
  revoked_at     timestamptz,
  revoked_by     text
);
create index rating_link_by_application on rating_link (application_id);
