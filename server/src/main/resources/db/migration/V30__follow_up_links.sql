-- A rating link may also carry the follow-up (追评) of a 差评 its holder gave without the app: sent
-- with the department's reply, it shows the reply and takes the follow-up of that rating.
alter table rating_link
  add column purpose text not null default 'rating' check (purpose in ('rating', 'follow_up')),
  add column rating_id uuid references rating (id),
  add constraint rating_link_follow_up_names_its_rating check ((purpose = 'follow_up') = (rating_id is not null));
