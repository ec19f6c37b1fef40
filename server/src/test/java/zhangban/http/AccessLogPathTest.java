package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the access log shows of a path: never a rating link's token, never more than 200 characters. */
class AccessLogPathTest {
  static final String TOKEN = "3q2-7wEAAb9cPZkVf1xJrLk0sD4uTgH8mN6yQaZeR1w";

  @Test
  void aRatingLinksTokenIsLoggedByItsName() {
    assertEquals("/public/rating-links/{token}", RequestIds.loggable("/public/rating-links/" + TOKEN));
    assertEquals("/public/rating-links/{token}/rating", RequestIds.loggable("/public/rating-links/" + TOKEN + "/rating"));
    assertEquals("/public/rating-links/{token}/qr", RequestIds.loggable("/public/rating-links/" + TOKEN + "/qr"));
  }

  @Test
  void otherPathsAreLoggedAsTheyAreUpTo200Characters() {
    assertEquals("/applications/abc/ratings", RequestIds.loggable("/applications/abc/ratings"));
    assertEquals(203, RequestIds.loggable("/" + "a".repeat(300)).length());
    assertEquals("", RequestIds.loggable(null));
  }
}
