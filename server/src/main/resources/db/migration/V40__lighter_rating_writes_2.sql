-- The rest of V39 (docs/benchmarks/hot-paths.md, "Lighter rating writes").
--
-- The unique constraint V39's partial index replaces.
alter table rating drop constraint rating_import_client_external_id_key;

-- A rating changes its invitation's state, which its partial indexes name, so the new version is
-- never a HOT update; when the page is full it goes to another page too, and the old one is first
-- locked and logged apart. Room left on each page keeps the one change of an invitation on its
-- page. Pages written from now on keep it; those already full keep their rows as they are.
alter table rating_invitation set (fillfactor = 70);
