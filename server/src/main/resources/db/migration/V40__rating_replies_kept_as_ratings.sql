-- A rating's reply kept under its Idempotency-Key is the rating it wrote (RatingService.replay):
-- the key's row points at the rating instead of holding a copy of it, which made that row the
-- largest a rating wrote (docs/benchmarks/hot-paths.md). Replies kept before hold the rating's id.
update idempotency_record set body = jsonb_build_object('ratingId', body ->> 'id')
where operation in ('rateApplication', 'rateByLink', 'rateVisit', 'importRating') and body ? 'id';
