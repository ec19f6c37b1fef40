package zhangban.support;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import zhangban.rating.RatingFixtures;

/**
 * Ratings of any department's item, quickly: a hall's system registers the transaction as
 * completed now (PUT /integration/transactions) and its applicant rates it in the app.
 */
public final class HallRatings {
  private final TestServer server;
  private final RatingFixtures fx;

  public HallRatings(TestServer server, RatingFixtures fx) {
    this.server = server;
    this.fx = fx;
  }

  /** A transaction of {@code item} at {@code department}'s hall, rated {@code level}; a poor one with {@code comment}. */
  public JsonObject rated(String department, String item, String officer, int level, String comment) {
    String subject = "citizen-hall-" + UUID.randomUUID();
    String number = "440300" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L);
    JsonObject body = new JsonObject().put("itemCode", item).put("channel", "hall").put("window", "A01")
        .put("officer", officer).put("officerName", "值班人员").put("stage", "completed")
        .put("at", server.clock.instant().toString())
        .put("applicant", new JsonObject().put("kind", "citizen").put("name", "市民").put("subject", subject));
    String id = server.api.put("/integration/transactions/" + number)
        .token(fx.integration("hall-" + department, department)).json(body).expect(201).json().getString("id");
    JsonObject rating = fx.withVersion(RatingFixtures.rating(level, level <= 2 ? new String[] {"efficiency"} : new String[0]));
    if (level <= 2 && comment != null) {
      rating.put("comment", comment);
    }
    return fx.rate(fx.citizen(subject), id, rating).expect(201).json();
  }
}
