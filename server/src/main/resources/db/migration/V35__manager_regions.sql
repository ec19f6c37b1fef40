-- Managers see their region (docs/identity.md): a manager's token names it in its `region` claim.
-- A demo manager's region is kept with the demo user; those loaded before regions existed become
-- the province's managers, which is what they saw before.
alter table demo_user add column region text references region (code);
update demo_user set region = '440000' where 'manager' = any (roles) and region is null;

-- Notices for managers (appeals to decide, escalated cases, the weekly 通报) go to the managers
-- whose region covers the department: the directory keeps each manager's region, or that they see
-- every department (a province's manager, or one without a region where MANAGER_WITHOUT_REGION=all).
-- Rows from before keep neither, so they get nothing until their app registers its device again.
alter table manager_directory add column region text, add column sees_all boolean not null default false;
