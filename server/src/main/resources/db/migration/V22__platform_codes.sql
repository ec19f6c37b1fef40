-- The codes the provincial platform identifies departments and items by (GB/T 39046-2020):
-- a department's 统一社会信用代码 and 行政区划代码 (GB/T 2260), an item's 实施编码.

alter table department add column uscc text
  constraint department_uscc_shape check (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$');

-- region was free text; it is now the 6-digit code. A value that is not one could not be reported
-- and is cleared (ratings keep the copy they took).
update department set region = null where region !~ '^[0-9]{6}$';
alter table department add constraint department_region_is_a_code check (region ~ '^[0-9]{6}$');

alter table service_item_version add column implementation_code text
  constraint service_item_implementation_code_shape check (implementation_code ~ '^[0-9A-Za-z]{1,24}$');

create or replace view service_item_current as
select v.item_code, v.version, v.name, v.department, d.name as department_name, v.kind, v.keywords,
       v.description, v.promised_days, v.legal_days, v.visits_needed, v.fully_online, v.fee_cents,
       v.materials, v.attributes, v.published_at, i.status, i.search_text, v.implementation_code
from service_item i
join service_item_version v on v.item_code = i.code and v.version = i.current_version
join department d on d.code = v.department;
