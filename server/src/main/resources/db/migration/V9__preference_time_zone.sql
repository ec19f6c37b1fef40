-- The user's own IANA time zone for quiet hours; null keeps the server's TIMEZONE.

alter table notification_preference add column time_zone text;
