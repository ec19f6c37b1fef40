-- Statistics by region (docs/statistics.md): each department with its region and every region
-- above it, so that the rollups' department rows add up to any level of the tree without reading
-- a rating.
create view department_region_at as
with recursive up (department, region, level) as (
  select d.code, r.code, r.level
  from department d join region r on r.code = d.region
  union all
  select u.department, p.code, p.level
  from up u join region r on r.code = u.region join region p on p.code = r.parent
)
select department, region, level from up;
