-- 一次一评 at a hall window: the hall a registered transaction was handled in (the registering
-- system's `hall` claim), so that only that hall's window tablet rates it.
alter table application add column hall_code text;
