-- Who a notice goes to (Notifier's fan-out): user `target` when `audience` is 'user'; the officers
-- of department `target` when 'officers'; the managers whose region covers department `target`, or
-- who see every department, when 'managers'; the managers of region `target` when
-- 'region-managers' (a province's also reach the managers who see every department without a
-- region).
--
-- PL/pgSQL, so that the fan-out is one plan for every audience: with these branches in its own
-- text, PostgreSQL found a plan for one audience cheaper than the plan for all, and planned the
-- statement again for every notice, 0.3 to 0.8 ms each (docs/benchmarks/hot-paths.md). Each query
-- here keeps its own plan.
create function notice_recipients(audience text, target text) returns setof text
language plpgsql stable rows 10 as $$
begin
  case audience
    when 'user' then
      return next target;
    when 'officers' then
      return query select subject from officer_directory where department = target;
    when 'managers' then
      return query select subject from manager_directory
                   where sees_all or region in (select region from department_region_at where department = target);
    when 'region-managers' then
      return query select subject from manager_directory
                   where region = target
                      or (region is null and sees_all and (select level from region where code = target) = 'province');
  end case;
end
$$;
