-- A rating invitation or reminder whose pushes all ended for good (the device's token is gone, or
-- FCM refused it every time) goes by SMS when the transaction came with a number
-- (docs/sms.md): the push knows its application, and the failed rating pushes are found by time.
alter table push_job add column application_id uuid;
create index push_job_failed_rating on push_job (updated_at)
  where status in ('permanent-failure', 'dead') and kind in ('rating_invitation', 'rating_reminder');
create index sms_job_by_application on sms_job (application_id, kind) where application_id is not null;
