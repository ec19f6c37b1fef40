package zhangban.rating;

import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.UUID;
import zhangban.filing.FilingService;
import zhangban.http.Http;
import zhangban.identity.Principal;

/** Handlers of ratings and the tag dictionary. */
public final class RatingApi {
  private final RatingService ratings;
  private final TagDictionary dictionary;
  private final FilingService filing;
  private final RatingLinks links;

  public RatingApi(RatingService ratings, TagDictionary dictionary, FilingService filing, RatingLinks links) {
    this.links = links;
    this.ratings = ratings;
    this.dictionary = dictionary;
    this.filing = filing;
  }

  public void mount(RouterBuilder b) {
    b.getRoute("getRatingTags").addHandler(Http.json(200, rc -> dictionary.view(Http.queryInt(rc, "version"),
        Http.query(rc, "group"), Http.queryInt(rc, "level"))));
    b.getRoute("publishRatingTags").addHandler(Http.json(201, rc -> dictionary.publish(Principal.of(rc), Http.body(rc))));

    b.getRoute("listApplicationRatings").addHandler(Http.json(200, rc -> {
      UUID id = Http.pathUuid(rc, "id");
      // visibility is the application's: whoever may not see it is told it does not exist
      return filing.get(Principal.of(rc), id).compose(a -> ratings.forApplication(Principal.of(rc), id));
    }));
    b.getRoute("rateApplication").addHandler(Http.json(201, rc -> ratings.rate(Principal.of(rc),
        Http.pathUuid(rc, "id"), Http.header(rc, "Idempotency-Key").orElseThrow(), Http.body(rc),
        Http.header(rc, "X-Device-Id"))));
    b.getRoute("getRating").addHandler(Http.json(200, rc -> ratings.get(Principal.of(rc),
        Http.pathUuid(rc, "ratingId"))));
    b.getRoute("followUpRating").addHandler(Http.json(200, rc -> ratings.followUp(Principal.of(rc),
        Http.pathUuid(rc, "ratingId"), Http.body(rc), Http.header(rc, "X-Device-Id"))));
    b.getRoute("rateVisit").addHandler(Http.json(201, rc -> ratings.rateVisit(Principal.of(rc), Http.path(rc, "number"),
        Http.body(rc))));
    b.getRoute("importRating").addHandler(Http.json(201, rc -> ratings.importRating(Principal.of(rc), Http.body(rc))));

    b.getRoute("createRatingLink").addHandler(Http.json(201, rc -> links.create(Principal.of(rc),
        Http.pathUuid(rc, "id"), Http.body(rc))));
    b.getRoute("revokeRatingLink").addHandler(rc -> links.revoke(Principal.of(rc), Http.pathUuid(rc, "id"),
            Http.pathUuid(rc, "linkId"))
        .onSuccess(v -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail));
    b.getRoute("getRatingLink").addHandler(Http.json(200, rc -> links.view(Http.path(rc, "token"))));
    b.getRoute("rateByLink").addHandler(Http.json(201, rc -> links.rate(Http.path(rc, "token"), Http.body(rc))));
    b.getRoute("followUpByLink").addHandler(Http.json(200, rc -> links.followUp(Http.path(rc, "token"), Http.body(rc))));
    b.getRoute("getRatingLinkQrCode").addHandler(rc -> links.qr(Http.path(rc, "token"),
            Http.query(rc, "format").orElse("png"), Http.queryInt(rc, "size").orElse(256))
        .onSuccess(image -> rc.response()
            .putHeader("Content-Type", image.contentType())
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "private, no-store")
            .end(image.bytes()))
        .onFailure(rc::fail));
  }
}
