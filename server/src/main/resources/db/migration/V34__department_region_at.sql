-- Statistics by region (docs/statistics.md): each department with its region and the regions
-- above it, so that the rollups' department rows add up to any level of the tree without reading
-- a rating. The tree has three levels (province, city, county), so three joins reach the top; a
-- plain view, which the planner joins like a table (and skips when the statement's condition on
-- the grouping is false), rather than a recursive one.
create view department_region_at as
select d.code as department, r.code as region, r.level
from department d join region r on r.code = d.region
union all
select d.code, p.code, p.level
from department d join region r on r.code = d.region join region p on p.code = r.parent
union all
select d.code, g.code, g.level
from department d join region r on r.code = d.region join region p on p.code = r.parent
join region g on g.code = p.parent;
