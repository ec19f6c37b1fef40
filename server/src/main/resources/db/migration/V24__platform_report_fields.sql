-- What every record for the provincial platform says of its application: its number and the
-- codes the platform knows the item, the department and the region by. One place for the three
-- statements that write records (the application's steps, the rating, the other rating and case
-- steps), and the instant of a step as the records write it.

create view application_report_fields as
select a.id as application_id, a.number,
       jsonb_build_object('applicationNumber', a.number, 'itemCode', a.item_code,
                          'itemImplementationCode', v.implementation_code, 'departmentCode', a.department,
                          'departmentUscc', d.uscc, 'departmentName', d.name, 'regionCode', d.region,
                          'applicantKind', a.applicant_kind) as fields
from application a
join department d on d.code = a.department
join service_item_version v on v.item_code = a.item_code and v.version = a.item_version;

create function utc_instant_text(t timestamptz) returns text
language sql immutable
return to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
