package zhangban.rating;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import zhangban.support.Api;
import zhangban.support.PushFixtures;
import zhangban.support.TestServer;

/** People and steps the rating tests share: completed applications, ratings, case steps. */
public final class RatingFixtures {
  public static final String USCC = "9144030035829164XE";

  public final TestServer server;
  public final PushFixtures filing;

  public RatingFixtures(TestServer server, PushFixtures filing) {
    this.server = server;
    this.filing = filing;
  }

  public String citizen(String subject) {
    return filing.citizen(subject);
  }

  public String enterprise(String subject) {
    return server.tokens.token(subject, "企业经办人", List.of("enterprise"), null, USCC);
  }

  /** The demo 民政局 officer who handles the marriage item. */
  public String officer() {
    return filing.officer();
  }

  public String officer(String subject, String dept) {
    return server.tokens.token(subject, "办事员" + subject, List.of("officer"), dept, null);
  }

  public String manager() {
    return server.tokens.token("manager-li", "李经理", List.of("manager"), null, null);
  }

  public String admin() {
    return filing.admin();
  }

  public String integration(String subject, String dept) {
    return server.tokens.token(subject, "大厅系统", List.of("integration"), dept, null);
  }

  /** An application of {@code subject} carried to 办结 by the demo officer. */
  public String completed(String subject) {
    String id = filing.submitted(subject);
    filing.officerAct(id, "accept", null);
    filing.officerAct(id, "start-review", null);
    filing.officerAct(id, "approve", null);
    filing.officerAct(id, "complete", new JsonObject().put("result", new JsonObject()
        .put("kind", "electronic_licence").put("licenceRef", "DZZZ-" + UUID.randomUUID())));
    return id;
  }

  public String number(String id) {
    return server.row("select number from application where id = $1::uuid", id).getString("number");
  }

  public int dictionaryVersion() {
    return (int) server.count("select max(version) from rating_tag_dictionary");
  }

  public static JsonObject rating(int level, String... tags) {
    return new JsonObject().put("level", level).put("tags", new JsonArray(List.of((Object[]) tags)));
  }

  public JsonObject withVersion(JsonObject rating) {
    return rating.copy().put("dictionaryVersion", dictionaryVersion());
  }

  public Api.Response rate(String token, String id, JsonObject body) {
    return server.api.post("/applications/" + id + "/ratings").token(token)
        .idempotencyKey("rate-" + UUID.randomUUID()).json(body);
  }

  /** A poor rating by {@code subject} on a fresh completed application; answers the rating. */
  public JsonObject poorRating(String subject) {
    String id = completed(subject);
    return rate(citizen(subject), id, withVersion(rating(1, "efficiency")).put("comment", "等了很久没人处理"))
        .expect(201).json();
  }

  public String caseOf(JsonObject rating) {
    return rating.getJsonObject("case").getString("id");
  }

  public JsonObject step(String token, String caseId, String step, JsonObject body) {
    var call = server.api.post("/rectification-cases/" + caseId + "/" + step).token(token);
    return (body == null ? call.send() : call.json(body)).expect(200).json();
  }

  public static JsonObject verification(Instant contactedAt) {
    return new JsonObject().put("finding", "true").put("contact", new JsonObject().put("method", "phone")
        .put("contactedAt", contactedAt.toString()).put("note", "电话回访，申请人反映窗口等候时间长"));
  }

  public static JsonObject rectification() {
    return new JsonObject().put("outcome", "immediate").put("measures", "增开窗口，调整排班");
  }

  public static JsonObject reply() {
    return new JsonObject().put("reply", "感谢您的反馈，我们已增开窗口并调整排班。");
  }
}
