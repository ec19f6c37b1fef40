-- The national set of rating channels (docs/ratings.md): a window's tablet, a QR code's rating
-- link and an SMS rating link join the app, the web, a window's 评价器, kiosks, 12345 and the
-- system default. Tablets, QR codes and SMS links rate in-person service: the offline group.
alter table rating
  drop constraint rating_channel_check,
  add constraint rating_channel_check
    check (channel in ('app', 'web', 'hall', 'tablet', 'kiosk', 'qr', 'sms', 'hotline', 'system'));
