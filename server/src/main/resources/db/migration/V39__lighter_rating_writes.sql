-- Two fewer writes in every rating (docs/benchmarks/hot-paths.md, "Lighter rating writes").
--
-- An imported rating is unique by its system and that system's id, and only imported ratings have
-- them; the unique constraint gave every other rating an index entry of two nulls as well, which
-- can never conflict. A partial index enforces exactly the same. It is built without locking
-- ratings out (CONCURRENTLY, so this migration runs outside a transaction); V40 then drops the
-- constraint, which takes its lock only for a moment. A build that was interrupted leaves an
-- invalid index behind: it is dropped first, so that the migration can run again.
drop index concurrently if exists rating_import_client_external_id;
create unique index concurrently rating_import_client_external_id on rating (import_client, external_id)
  where external_id is not null;
