package zhangban.rating;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.Optional;
import java.util.UUID;
import zhangban.filing.FilingService;
import zhangban.http.ApiException;
import zhangban.http.Http;

/** Handlers of ratings, the tag dictionary and rectification cases. */
public final class RatingApi {
  private final RatingService ratings;
  private final CaseService cases;
  private final TagDictionary dictionary;
  private final FilingService filing;

  public RatingApi(RatingService ratings, CaseService cases, TagDictionary dictionary, FilingService filing) {
    this.ratings = ratings;
    this.cases = cases;
    this.dictionary = dictionary;
    this.filing = filing;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("getRatingTags").addHandler(Http.json(200, rc -> dictionary.view(Http.queryInt(rc, "version"),
        Http.query(rc, "group"), Http.queryInt(rc, "level"))));
    b.getRoute("publishRatingTags").addHandler(Http.json(201, rc -> dictionary.publish(Http.principal(rc), Http.body(rc))));

    b.getRoute("listApplicationRatings").addHandler(Http.json(200, rc -> {
      UUID id = uuid(rc, "id");
      // visibility is the application's: whoever may not see it is told it does not exist
      return filing.get(Http.principal(rc), id).compose(a -> ratings.forApplication(Http.principal(rc), id));
    }));
    b.getRoute("rateApplication").addHandler(Http.json(201, rc -> ratings.rate(Http.principal(rc), uuid(rc, "id"),
        Http.header(rc, "Idempotency-Key").orElseThrow(), Http.body(rc), Http.header(rc, "X-Device-Id"))));
    b.getRoute("getRating").addHandler(Http.json(200, rc -> ratings.get(Http.principal(rc), uuid(rc, "ratingId"))));
    b.getRoute("followUpRating").addHandler(Http.json(200, rc -> ratings.followUp(Http.principal(rc),
        uuid(rc, "ratingId"), Http.body(rc), Http.header(rc, "X-Device-Id"))));
    b.getRoute("importRating").addHandler(Http.json(201, rc -> ratings.importRating(Http.principal(rc), Http.body(rc))));

    b.getRoute("listRectificationCases").addHandler(Http.json(200, rc -> cases.list(Http.principal(rc),
        new CaseService.ListFilter(Http.query(rc, "state"), Http.query(rc, "warning"), Http.query(rc, "department"),
            Http.query(rc, "appeal"), Http.query(rc, "escalated").map(Boolean::parseBoolean), Http.query(rc, "cursor"),
            Http.queryInt(rc, "limit").orElse(20)))));
    b.getRoute("getRectificationCase").addHandler(Http.json(200, rc -> cases.get(Http.principal(rc), uuid(rc, "caseId"))));
    b.getRoute("claimRectificationCase").addHandler(Http.json(200, rc -> cases.claim(Http.principal(rc),
        uuid(rc, "caseId"), key(rc))));
    b.getRoute("verifyRectificationCase").addHandler(Http.json(200, rc -> cases.verify(Http.principal(rc),
        uuid(rc, "caseId"), Http.body(rc), key(rc))));
    b.getRoute("rectifyRectificationCase").addHandler(Http.json(200, rc -> cases.rectify(Http.principal(rc),
        uuid(rc, "caseId"), Http.body(rc), key(rc))));
    b.getRoute("replyRectificationCase").addHandler(Http.json(200, rc -> cases.reply(Http.principal(rc),
        uuid(rc, "caseId"), Http.body(rc), key(rc))));
    b.getRoute("appealRectificationCase").addHandler(Http.json(200, rc -> cases.appeal(Http.principal(rc),
        uuid(rc, "caseId"), Http.body(rc), key(rc))));
    b.getRoute("decideRectificationAppeal").addHandler(Http.json(200, rc -> cases.decideAppeal(Http.principal(rc),
        uuid(rc, "caseId"), Http.body(rc), key(rc))));
  }

  private static Optional<String> key(RoutingContext rc) {
    return Http.header(rc, "Idempotency-Key");
  }

  private static UUID uuid(RoutingContext rc, String name) {
    try {
      return UUID.fromString(Http.path(rc, name));
    } catch (RuntimeException e) {
      throw new ApiException(400, "validation", "The request does not match the contract", name + " must be a UUID.",
          new JsonObject().put("errors", new JsonArray().add(ApiException.fieldError("/path/" + name, "Must be a UUID."))));
    }
  }

}
