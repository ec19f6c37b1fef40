-- rating_by_application (application_id) repeated the leading column of the unique index on
-- (application_id, stage), which serves every lookup of an application's ratings as well. Every
-- rating paid for an entry in both.
drop index if exists rating_by_application;
