package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.Optional;
import zhangban.http.ApiException;
import zhangban.identity.Principal;
import zhangban.identity.Role;

/**
 * Overdue supervision (电子监察): yellow and red applications per department, for managers, on day
 * $1, of department $2 when given, of the manager's region's departments $3 when given.
 */
public final class Supervision {
  private static final String COUNTS = """
      select d.code, d.name,
             count(a.id) as open,
             count(a.id) filter (where application_warning(a, $1::date) = 'yellow') as yellow,
             count(a.id) filter (where application_warning(a, $1::date) = 'red') as red
      from department d
      left join application a on a.department = d.code and a.state in ('accepted', 'in_review', 'approved')
      where ($2::text is null or d.code = $2) and ($3::text[] is null or d.code = any($3))
      group by d.code, d.name
      order by red desc, yellow desc, d.code
      """;
  private static final String RED = """
      select a.*, v.name as item_name, v.materials, v.attributes, v.promised_days
      from application a
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      where a.state in ('accepted', 'in_review', 'approved') and $1::date > a.deadline
        and ($2::text is null or a.department = $2) and ($3::text[] is null or a.department = any($3))
      order by a.deadline, a.id
      limit 500
      """;

  private final FilingService filing;

  public Supervision(FilingService filing) {
    this.filing = filing;
  }

  public Future<JsonObject> overdue(Principal p, Optional<String> department) {
    if (!p.has(Role.MANAGER)) {
      throw ApiException.forbidden("Overdue supervision is for managers.");
    }
    p.departmentScope(department, "supervision"); // 403 for a department outside the manager's region
    LocalDate today = filing.today();
    Tuple args = Tuple.of(today, department.orElse(null), p.regionDepartments());
    return counts(today, department, p.regionDepartments()).compose(departments ->
        filing.pool().preparedQuery(RED).execute(args).map(red -> {
          JsonArray overdue = new JsonArray();
          for (Row r : red) {
            overdue.add(filing.view(p, new ApplicationRow(r)));
          }
          return new JsonObject().put("asOf", today.toString()).put("departments", departments).put("red", overdue);
        }));
  }

  /**
   * Open, yellow and red applications today of each of {@code departments} (every department when
   * null), most red first: what the weekly 通报 reports of 电子监察.
   */
  public Future<JsonArray> counts(String[] departments) {
    return counts(filing.today(), Optional.empty(), departments);
  }

  private Future<JsonArray> counts(LocalDate today, Optional<String> department, String[] departments) {
    return filing.pool().preparedQuery(COUNTS).execute(Tuple.of(today, department.orElse(null), departments))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            out.add(new JsonObject()
                .put("department", r.getString("code"))
                .put("departmentName", r.getString("name"))
                .put("open", r.getLong("open"))
                .put("yellow", r.getLong("yellow"))
                .put("red", r.getLong("red")));
          }
          return out;
        });
  }
}
