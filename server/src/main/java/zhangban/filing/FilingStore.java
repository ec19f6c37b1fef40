package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import zhangban.catalog.CatalogStore;
import zhangban.db.SqlBuilder;
import zhangban.db.Timestamps;

/** SQL of filing: applications, their materials and timeline. */
final class FilingStore {
  /** An application with its item version's guide (materials, form fields, promised days), as commands need it. */
  private static final String SELECT = """
      select a.*, v.name as item_name, v.materials, v.attributes, v.promised_days
      from application a
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      """;
  /** An application as it is shown: no view has the guide, which is most of the bytes of a row. */
  private static final String SHOW = """
      select a.*, v.name as item_name
      from application a
      join service_item_version v on v.item_code = a.item_code and v.version = a.item_version
      """;
  private static final String BY_ID = SHOW + " where a.id = $1";
  private static final String BY_ID_WITH_GUIDE = SELECT + " where a.id = $1";
  private static final String BY_ID_FOR_UPDATE = SELECT + " where a.id = $1 for update of a";
  private static final String BY_NUMBER_FOR_UPDATE = SELECT + " where a.number = $1 for update of a";
  /**
   * What a new draft must know, in one statement: the reply kept under the idempotency key ($1 the
   * claimant, $2 the key) and the service item ($3) as it is now.
   */
  private static final String BEFORE_DRAFT = """
      select k.operation as stored_operation, k.request_hash as stored_hash, k.status as stored_status,
             k.body as stored_body, x.*
      from (select 1) one
      left join idempotency_record k on k.subject = $1 and k.key = $2
      left join service_item_current x on x.item_code = $3
      """;
  /**
   * A new draft in one statement, atomic without a transaction around it: the application ($1–$10),
   * its first timeline event ($11 the actor's role, $12 the details) and the reply kept under the
   * idempotency key ($13 the key, $14 the request's hash, $15 the reply), all only if the key is
   * unused; answers how many it wrote. A key another request has just claimed fails it with a
   * unique violation.
   */
  private static final String INSERT_DRAFT = """
      with a as (
        insert into application (id, state, item_code, item_version, department, applicant_subject, applicant_name,
          applicant_kind, applicant_uscc, form, created_at, updated_at)
        select $1::uuid, 'draft', $2::text, $3::int, $4::text, $5::text, $6::text, $7::text, $8::text, $9::jsonb,
               $10::timestamptz, $10::timestamptz
        where not exists (select 1 from idempotency_record k where k.subject = $5::text and k.key = $13::text)
        returning id, created_at),
      event as (
        insert into timeline_event (application_id, seq, action, from_state, to_state, actor, actor_role, note,
          details, at)
        select id, 1, 'create', null, 'draft', $5::text, $11::text, null, $12::jsonb, created_at from a),
      kept as (
        insert into idempotency_record (subject, key, operation, request_hash, status, body)
        select $5::text, $13::text, 'createApplication', $14::text, 201, $15::jsonb from a)
      select count(*) as written from a
      """;
  private static final String UPDATE = """
      update application set state = $2, number = $3, form = $4, submitted_at = $5, accepted_at = $6,
        clock_start = $7, deadline = $8, warning_from = $9, paused_since = $10, supplement_items = $11,
        missing_materials = $12, supplement_deadline = $13, decision_reason = $14, result = $15,
        completed_at = $16, updated_at = $17, supplement_outstanding = $18, version = version + 1
      where id = $1
      """;
  /**
   * A transaction another system handled ($13 'hall' or 'system', registered by client $14 of hall
   * $20, at window $15), under
   * its own number $2, reaching stage state $3 at $16 (accepted) or $17 (completed); nothing when
   * the number is taken, then the caller reads who has it.
   */
  private static final String INSERT_EXTERNAL = """
      insert into application (id, number, state, item_code, item_version, department, applicant_subject,
        applicant_name, applicant_kind, applicant_uscc, applicant_phone, applicant_phone_hash, applicant_phone_masked,
        source, source_client, window_code, hall_code, submitted_at, accepted_at, completed_at, created_at, updated_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $18, $13, $14, $15, $20, $16, $16, $17, $19, $19)
      on conflict (number) do nothing
      """;
  /** The current version of the item with code $1, or else with 实施编码 $2, and its department. */
  private static final String ITEM_BY_CODE = """
      select v.item_code, v.version, v.department
      from service_item i
      join service_item_version v on v.item_code = i.code and v.version = i.current_version
      where i.code = $1 or ($1::text is null and v.implementation_code = $2)
      """;
  private static final String NEXT_NUMBER = "select nextval('application_number_seq') as n";
  private static final String INSERT_EVENT = """
      insert into timeline_event (application_id, seq, action, from_state, to_state, actor, actor_role, note, details, at)
      select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 from timeline_event where application_id = $1
      """;
  private static final String TIMELINE = """
      select seq, action, from_state, to_state, actor, actor_role, note, details, at
      from timeline_event where application_id = $1 and seq > $2 order by seq limit $3
      """;
  private static final String MATERIALS = """
      select material_code, file_name, content_type, size_bytes, sha256, uploaded_at
      from application_material where application_id = $1 order by material_code
      """;
  private static final String MATERIAL_CONTENT = """
      select file_name, content_type, content from application_material where application_id = $1 and material_code = $2
      """;
  private static final String UPSERT_MATERIAL = """
      insert into application_material (application_id, material_code, file_name, content_type, size_bytes, sha256,
        content, uploaded_by, uploaded_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      on conflict (application_id, material_code) do update set file_name = excluded.file_name,
        content_type = excluded.content_type, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
        content = excluded.content, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at
      returning material_code, file_name, content_type, size_bytes, sha256, uploaded_at
      """;
  private static final String DELETE_MATERIAL =
      "delete from application_material where application_id = $1 and material_code = $2";

  /** Filters of a list query; a null scope field means "not restricted by it". */
  record ListQuery(String scopeSubject, String scopeUscc, String department, String[] regionDepartments,
                   boolean includeDrafts, String state, String item, String source, LocalDate today, String warning,
                   OffsetDateTime afterCreatedAt, UUID afterId, int limit) {}

  Future<Optional<ApplicationRow>> byId(SqlClient c, UUID id) {
    return one(c, BY_ID, Tuple.of(id));
  }

  /** With its item version's guide, as a command reads it, but without a lock. */
  Future<Optional<ApplicationRow>> withGuide(SqlClient c, UUID id) {
    return one(c, BY_ID_WITH_GUIDE, Tuple.of(id));
  }

  Future<Optional<ApplicationRow>> lock(SqlClient c, UUID id) {
    return one(c, BY_ID_FOR_UPDATE, Tuple.of(id));
  }

  Future<Optional<ApplicationRow>> lockByNumber(SqlClient c, String number) {
    return one(c, BY_NUMBER_FOR_UPDATE, Tuple.of(number));
  }

  Future<List<ApplicationRow>> list(SqlClient c, ListQuery q) {
    SqlBuilder list = listSql(q);
    return c.preparedQuery(list.sql()).execute(list.tuple()).map(rows -> {
      List<ApplicationRow> out = new ArrayList<>();
      rows.forEach(r -> out.add(new ApplicationRow(r)));
      return out;
    });
  }

  /**
   * A list's statement with only the conditions its query has. Each shape of query is a statement
   * of its own, prepared once per connection and planned once: one statement with {@code $n is
   * null or ...} for every filter would be planned again on every call, since only the values tell
   * which of the indexes serves it. The warning is the database function {@code
   * application_warning}, which overdue reminders read too.
   */
  static SqlBuilder listSql(ListQuery q) {
    SqlBuilder sql = new SqlBuilder(SHOW + "where true");
    if (q.scopeSubject() != null && q.scopeUscc() != null) {
      sql.add("and (a.applicant_subject = ? or a.applicant_uscc = ?)", q.scopeSubject(), q.scopeUscc());
    } else if (q.scopeSubject() != null) {
      sql.add("and a.applicant_subject = ?", q.scopeSubject());
    } else if (q.scopeUscc() != null) {
      sql.add("and a.applicant_uscc = ?", q.scopeUscc());
    }
    if (q.department() != null) {
      sql.add("and a.department = ?", q.department());
    }
    if (q.regionDepartments() != null) {
      sql.add("and a.department = any(?)", (Object) q.regionDepartments());
    }
    if (!q.includeDrafts()) {
      sql.add("and a.state <> 'draft'");
    }
    if (q.state() != null) {
      sql.add("and a.state = ?", q.state());
    }
    if (q.item() != null) {
      sql.add("and a.item_code = ?", q.item());
    }
    if (q.source() != null) {
      sql.add("and a.source = ?", q.source());
    }
    if (q.warning() != null) {
      sql.add("and application_warning(a, ?::date) = ?", q.today(), q.warning());
    }
    if (q.afterCreatedAt() != null) {
      sql.add("and (a.created_at, a.id) < (?::timestamptz, ?::uuid)", q.afterCreatedAt(), q.afterId());
    }
    return sql.add("order by a.created_at desc, a.id desc limit ?", q.limit());
  }

  /** Inserts a draft; answers it as {@link #byId} would. */
  /** The reply kept under (claimant, key) and the current version of item {@code itemCode} (columns as {@link CatalogStore#item} reads). */
  Future<Row> beforeDraft(SqlClient c, String claimant, String key, String itemCode) {
    return c.preparedQuery(BEFORE_DRAFT).execute(Tuple.of(claimant, key, itemCode)).map(rows -> rows.iterator().next());
  }

  /** Writes the new draft {@code a}, its first event and {@code reply} under {@code key}; false when the key was used. */
  Future<Boolean> insertDraft(SqlClient c, ApplicationRow a, String role, JsonObject details, String key, String hash,
                              JsonObject reply) {
    return c.preparedQuery(INSERT_DRAFT).execute(Tuple.tuple()
        .addUUID(a.id).addString(a.itemCode).addInteger(a.itemVersion).addString(a.department)
        .addString(a.applicantSubject).addString(a.applicantName).addString(a.applicantKind).addString(a.applicantUscc)
        .addValue(a.form).addOffsetDateTime(Timestamps.utc(a.createdAt)).addString(role).addValue(details).addString(key)
        .addString(hash).addValue(reply))
        .map(rows -> rows.iterator().next().getLong("written") == 1);
  }

  Future<Void> update(SqlClient c, ApplicationRow a) {
    return c.preparedQuery(UPDATE).execute(Tuple.tuple()
        .addUUID(a.id).addString(a.state.wire()).addString(a.number).addValue(a.form)
        .addOffsetDateTime(Timestamps.utc(a.submittedAt)).addOffsetDateTime(Timestamps.utc(a.acceptedAt))
        .addLocalDate(a.clockStart).addLocalDate(a.deadline).addLocalDate(a.warningFrom)
        .addOffsetDateTime(Timestamps.utc(a.pausedSince)).addValue(a.supplementItems)
        .addArrayOfString(a.missingMaterials.toArray(String[]::new)).addLocalDate(a.supplementDeadline)
        .addString(a.decisionReason).addValue(a.result).addOffsetDateTime(Timestamps.utc(a.completedAt))
        .addOffsetDateTime(Timestamps.utc(a.updatedAt)).addArrayOfString(a.supplementOutstanding.toArray(String[]::new)))
        .mapEmpty();
  }

  /** A transaction registered by another system; false when its number is taken. */
  Future<Boolean> insertExternal(SqlClient c, ExternalTransaction t) {
    return c.preparedQuery(INSERT_EXTERNAL).execute(Tuple.tuple()
        .addUUID(t.id()).addString(t.number()).addString(t.state().wire()).addString(t.itemCode())
        .addInteger(t.itemVersion()).addString(t.department()).addString(t.applicantSubject())
        .addString(t.applicantName()).addString(t.applicantKind()).addString(t.applicantUscc())
        .addString(t.sealedPhone()).addBuffer(t.phoneHash() == null ? null : Buffer.buffer(t.phoneHash()))
        .addString(t.source()).addString(t.client()).addString(t.window())
        .addOffsetDateTime(Timestamps.utc(t.acceptedAt())).addOffsetDateTime(Timestamps.utc(t.completedAt()))
        .addString(t.maskedPhone()).addOffsetDateTime(Timestamps.utc(t.at())).addString(t.hall()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The item by its code, or else by its 实施编码: code, version and department, empty when none. */
  Future<Optional<Row>> itemByCode(SqlClient c, String code, String implementationCode) {
    return c.preparedQuery(ITEM_BY_CODE).execute(Tuple.of(code, implementationCode))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  Future<String> nextNumberSuffix(SqlClient c) {
    return c.query(NEXT_NUMBER).execute().map(rows -> String.format("%08d", rows.iterator().next().getLong("n")));
  }

  Future<Void> addEvent(SqlClient c, UUID id, String action, ApplicationState from, ApplicationState to,
                        String actor, String role, String note, JsonObject details, Instant at) {
    return c.preparedQuery(INSERT_EVENT).execute(Tuple.tuple()
        .addUUID(id).addString(action).addString(from == null ? null : from.wire()).addString(to.wire())
        .addString(actor).addString(role).addString(note).addValue(details == null ? new JsonObject() : details)
        .addOffsetDateTime(Timestamps.utc(at)))
        .mapEmpty();
  }

  /** The events after {@code afterSeq}, at most {@code limit}. */
  Future<JsonArray> timeline(SqlClient c, UUID id, int afterSeq, int limit) {
    return c.preparedQuery(TIMELINE).execute(Tuple.of(id, afterSeq, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject()
            .put("seq", r.getInteger("seq"))
            .put("action", r.getString("action"))
            .put("fromState", r.getString("from_state"))
            .put("toState", r.getString("to_state"))
            .put("actor", r.getString("actor"))
            .put("actorRole", r.getString("actor_role"))
            .put("note", r.getString("note"))
            .put("details", r.getJson("details"))
            .put("at", r.getOffsetDateTime("at").toInstant().toString()));
      }
      return out;
    });
  }

  /** Uploaded materials by code. */
  Future<Map<String, JsonObject>> materials(SqlClient c, UUID id) {
    return c.preparedQuery(MATERIALS).execute(Tuple.of(id)).map(rows -> {
      Map<String, JsonObject> out = new java.util.LinkedHashMap<>();
      rows.forEach(r -> out.put(r.getString("material_code"), materialJson(r)));
      return out;
    });
  }

  record Content(String fileName, String contentType, Buffer bytes) {}

  Future<Optional<Content>> content(SqlClient c, UUID id, String code) {
    return c.preparedQuery(MATERIAL_CONTENT).execute(Tuple.of(id, code)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Content(r.getString("file_name"), r.getString("content_type"), r.getBuffer("content")));
    });
  }

  Future<JsonObject> putMaterial(SqlClient c, UUID id, String code, String fileName, String contentType,
                                 Buffer bytes, String sha256, String by, Instant at) {
    return c.preparedQuery(UPSERT_MATERIAL).execute(Tuple.tuple()
        .addUUID(id).addString(code).addString(fileName).addString(contentType).addLong((long) bytes.length())
        .addString(sha256).addBuffer(bytes).addString(by).addOffsetDateTime(Timestamps.utc(at)))
        .map(rows -> materialJson(rows.iterator().next()));
  }

  Future<Boolean> deleteMaterial(SqlClient c, UUID id, String code) {
    return c.preparedQuery(DELETE_MATERIAL).execute(Tuple.of(id, code)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject materialJson(Row r) {
    return new JsonObject()
        .put("materialCode", r.getString("material_code"))
        .put("fileName", r.getString("file_name"))
        .put("contentType", r.getString("content_type"))
        .put("sizeBytes", r.getLong("size_bytes"))
        .put("sha256", r.getString("sha256"))
        .put("uploadedAt", r.getOffsetDateTime("uploaded_at").toInstant().toString());
  }

  private static Future<Optional<ApplicationRow>> one(SqlClient c, String sql, Tuple t) {
    return c.preparedQuery(sql).execute(t)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new ApplicationRow(rows.iterator().next())));
  }

}
