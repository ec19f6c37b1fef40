-- Transactions handled elsewhere (docs/external-transactions.md): a hall's 综合窗口 system or a
-- department's approval system registers what it handled, under its own 办件编号, so that the
-- transaction is rated, rectified and counted like an application filed in the app.
--
-- source: where the transaction was handled (app: filed in Zhangban; hall: a hall window; system:
-- a department's own approval system). source_client is the integration client that registered
-- it; the number is the integrator's, unique as every 办件编号 is. The applicant may be someone
-- Zhangban does not know (no subject): then only their sealed mobile number reaches them
-- (PhoneVault: AES-256-GCM under a configured key, never stored in clear), looked up by its keyed
-- hash, and shown only masked (applicant_phone_masked, 138****1234). window_code is the hall
-- window that served them.
alter table application
  add column source text not null default 'app' check (source in ('app', 'hall', 'system')),
  add column source_client text,
  add column window_code text,
  add column applicant_phone text,
  add column applicant_phone_hash bytea,
  add column applicant_phone_masked text,
  alter column applicant_subject drop not null,
  add constraint application_source_has_its_client
    check ((source = 'app') = (source_client is null)),
  add constraint application_applicant_known
    check (source <> 'app' or applicant_subject is not null);
create index application_by_phone on application (applicant_phone_hash) where applicant_phone_hash is not null;

-- an applicant without an account is invited through a link sent to their phone, so an open stage
-- may have no subject to rate as, and the rating none to name
alter table rating_invitation alter column rater_subject drop not null;
alter table rating alter column rater_subject drop not null;
