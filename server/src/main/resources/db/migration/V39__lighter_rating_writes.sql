-- Two fewer writes in every rating (docs/benchmarks/hot-paths.md, "Lighter rating writes").
--
-- An imported rating is unique by its system and that system's id, and only imported ratings have
-- them; the unique constraint gave every other rating an index entry of two nulls as well, which
-- can never conflict. The partial index enforces exactly the same.
alter table rating drop constraint rating_import_client_external_id_key;
create unique index rating_import_client_external_id_key on rating (import_client, external_id)
  where external_id is not null;

-- A rating changes its invitation's state, which its partial indexes name, so the new version is
-- never a HOT update; when the page is full it goes to another page too, and the old one is first
-- locked and logged apart. Room left on each page keeps the one change of an invitation on its
-- page. Pages written from now on keep it; those already full keep their rows as they are.
alter table rating_invitation set (fillfactor = 70);
