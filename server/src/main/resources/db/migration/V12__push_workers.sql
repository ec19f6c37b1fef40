-- The push workers alive now, so that they share PUSH_RATE_PER_SECOND between them: each
-- refreshes its row every few seconds and takes the limit divided by the number of rows seen
-- recently. A worker that stops deletes its row; one that died is no longer counted once its row
-- is older than three heartbeats, and is deleted by the others after an hour.
create table push_worker (
  id text primary key,
  seen_at timestamptz not null
);
