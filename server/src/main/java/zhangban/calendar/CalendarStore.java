package zhangban.calendar;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The calendar tables. Read per command: a few dozen rows, and every replica sees an edit at once. */
public final class CalendarStore {
  private static final String EXCEPTIONS_AROUND = """
      select day, kind from calendar_day where day between $1::date - 400 and $1::date + 1100
      """;
  private static final String YEAR = """
      select y.year, y.source, y.updated_at,
             coalesce(array_agg(d.day order by d.day) filter (where d.kind = 'holiday'), '{}') as holidays,
             coalesce(array_agg(d.day order by d.day) filter (where d.kind = 'workday'), '{}') as workdays
      from calendar_year y left join calendar_day d on d.year = y.year
      where y.year = $1
      group by y.year
      """;
  private static final String UPSERT_YEAR = """
      insert into calendar_year (year, source, updated_at) values ($1, $2, now())
      on conflict (year) do update set source = excluded.source, updated_at = now()
      """;
  private static final String DELETE_DAYS = "delete from calendar_day where year = $1";
  private static final String INSERT_DAY = "insert into calendar_day (day, kind, year) values ($1, $2, $3)";

  private final Pool pool;

  public CalendarStore(Pool pool) {
    this.pool = pool;
  }

  /** The calendar covering the years around {@code around}. */
  public Future<WorkdayCalendar> around(SqlClient client, LocalDate around) {
    return client.preparedQuery(EXCEPTIONS_AROUND).execute(Tuple.of(around)).map(rows -> {
      Set<LocalDate> holidays = new HashSet<>();
      Set<LocalDate> workdays = new HashSet<>();
      for (Row r : rows) {
        (r.getString("kind").equals("holiday") ? holidays : workdays).add(r.getLocalDate("day"));
      }
      return new WorkdayCalendar(holidays, workdays);
    });
  }

  public Future<WorkdayCalendar> around(LocalDate around) {
    return around(pool, around);
  }

  public Future<Optional<JsonObject>> year(int year) {
    return pool.preparedQuery(YEAR).execute(Tuple.of(year)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      JsonArray holidays = new JsonArray();
      for (LocalDate d : r.getArrayOfLocalDates("holidays")) holidays.add(d.toString());
      JsonArray workdays = new JsonArray();
      for (LocalDate d : r.getArrayOfLocalDates("workdays")) workdays.add(d.toString());
      return Optional.of(new JsonObject()
          .put("year", r.getInteger("year"))
          .put("source", r.getString("source"))
          .put("holidays", holidays)
          .put("adjustedWorkdays", workdays)
          .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString()));
    });
  }

  /** Replaces a year's arrangement in one transaction. */
  public Future<Void> replaceYear(int year, String source, List<LocalDate> holidays, List<LocalDate> workdays) {
    return pool.withTransaction(tx -> tx.preparedQuery(UPSERT_YEAR).execute(Tuple.of(year, source))
        .compose(v -> tx.preparedQuery(DELETE_DAYS).execute(Tuple.of(year)))
        .compose(v -> {
          List<Tuple> batch = new ArrayList<>();
          holidays.forEach(d -> batch.add(Tuple.of(d, "holiday", year)));
          workdays.forEach(d -> batch.add(Tuple.of(d, "workday", year)));
          return batch.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(INSERT_DAY).executeBatch(batch);
        })
        .mapEmpty());
  }
}
