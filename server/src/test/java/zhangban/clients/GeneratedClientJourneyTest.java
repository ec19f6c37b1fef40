package zhangban.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zhangban.client.ApiClient;
import zhangban.client.ApiException;
import zhangban.client.ApiResponse;
import zhangban.client.api.CatalogApi;
import zhangban.client.api.FilingApi;
import zhangban.client.api.RatingsApi;
import zhangban.client.api.RectificationApi;
import zhangban.client.api.StatisticsApi;
import zhangban.client.model.Application;
import zhangban.client.model.ApplicationInput;
import zhangban.client.model.CaseContact;
import zhangban.client.model.ChannelGroup;
import zhangban.client.model.CompleteInput;
import zhangban.client.model.CompletionKind;
import zhangban.client.model.CompletionResult;
import zhangban.client.model.ContactMethod;
import zhangban.client.model.Finding;
import zhangban.client.model.FollowUpInput;
import zhangban.client.model.Licence;
import zhangban.client.model.Rating;
import zhangban.client.model.RatingInput;
import zhangban.client.model.RatingStage;
import zhangban.client.model.RatingStats;
import zhangban.client.model.RatingTagDictionary;
import zhangban.client.model.RectificationCase;
import zhangban.client.model.RectificationOutcome;
import zhangban.client.model.RectifyInput;
import zhangban.client.model.ReplyInput;
import zhangban.client.model.Satisfaction;
import zhangban.client.model.StatsDimension;
import zhangban.client.model.SupplementItem;
import zhangban.client.model.SupplementRequestInput;
import zhangban.client.model.VerifyInput;
import zhangban.support.TestServer;

/**
 * The whole journey driven as an app team would drive it: through the Java client generated from
 * the contract (the same generator as the Kotlin, TypeScript and Swift clients), against the real
 * server over HTTP. Filing with uploads, a supplement round, completion with an electronic licence,
 * a poor rating, the case's steps with If-Match, the follow-up, the statistics. If the contract
 * drifts from what a generated client can use, this fails.
 */
class GeneratedClientJourneyTest {
  static TestServer server;
  @TempDir
  static Path files;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A client for one demo user, as an app would hold one per signed-in user. */
  static ApiClient as(String demoUser) {
    String token = server.token(demoUser);
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://localhost:" + server.api.port());
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    return client;
  }

  static File pdf(String name) throws Exception {
    Path file = files.resolve(name);
    Files.writeString(file, "%PDF-1.4\n% " + name + "\n");
    return file.toFile();
  }

  @Test
  void fromFilingToTheStatisticsWithTheGeneratedClient() throws Exception {
    FilingApi citizen = new FilingApi(as("citizen-zhang"));
    FilingApi officer = new FilingApi(as("officer-minzheng"));

    Application draft = citizen.createApplication("create-" + UUID.randomUUID(), new ApplicationInput()
        .itemCode("MZ-HY-001").form(new JsonObject().put("partnerName", "李娜").put("appointmentDate", "2026-12-01")
            .put("venue", "futian").getMap()), null);
    UUID id = draft.getId();
    citizen.uploadMaterial(id, "id_card", pdf("id_card.pdf"), null);
    citizen.uploadMaterial(id, "household_register", pdf("household_register.pdf"), null);
    assertEquals("submitted", citizen.submitApplication(id, "submit-" + id, null, null, null).getState().getValue());

    // a supplement round: the officer asks, the citizen uploads again and resubmits (no body)
    officer.requestSupplement(id, new SupplementRequestInput().items(List.of(
        new SupplementItem().materialCode("id_card").reason("照片不清晰"))), null, null, null);
    citizen.uploadMaterial(id, "id_card", pdf("id_card-2.pdf"), null);
    citizen.resubmitApplication(id, null, null, null, null);

    Application accepted = officer.acceptApplication(id, null, null, null, null);
    assertEquals("accepted", accepted.getState().getValue());
    officer.startReview(id, null, "\"" + (accepted.getVersion()) + "\"", null, null);
    officer.approveApplication(id, null, null, null, null);
    Application done = officer.completeApplication(id, new CompleteInput().result(new CompletionResult()
        .kind(CompletionKind.ELECTRONIC_LICENCE).licence(new Licence().name("结婚证").number("DZZZ-2026-0100")
            .holder("张伟").validFrom(LocalDate.of(2026, 11, 25)).validUntil(null).issuer("市民政局"))), null, null, null);
    assertEquals("completed", done.getState().getValue());
    assertEquals("DZZZ-2026-0100", done.getResult().getLicence().getNumber());
    assertEquals(6 + 2, citizen.getApplicationTimeline(id, null, null, null, null).getItems().size(),
        "create, submit, request_supplement, resubmit, accept, start_review, approve, complete");

    // a poor rating with a reason from the current dictionary
    RatingsApi rater = new RatingsApi(as("citizen-zhang"));
    RatingTagDictionary tags = rater.getRatingTags(null, null, null, ChannelGroup.ONLINE, 1);
    Rating rating = rater.rateApplication("rate-" + id, id, new RatingInput().stage(RatingStage.COMPLETED).level(1)
        .tags(List.of(tags.getTags().get(0).getCode())).dictionaryVersion(tags.getVersion()).comment("等了很久"),
        null, null);
    assertTrue(rating.getPoor());
    UUID caseId = rater.listApplicationRatings(id, null, null).getRatings().get(0).getCase().getId();

    // the case's steps, each on the version the officer saw
    RectificationApi cases = new RectificationApi(as("officer-minzheng"));
    RectificationCase seen = cases.getRectificationCase(caseId, null, null);
    RectificationCase claimed = cases.claimRectificationCase(caseId, null, "\"" + seen.getVersion() + "\"", null);
    ApiException stale = assertThrows(ApiException.class, () -> cases.verifyRectificationCase(caseId, new VerifyInput()
        .finding(Finding.TRUE).contact(new CaseContact().method(ContactMethod.PHONE).note("电话回访")
            .contactedAt(server.clock.instant().atOffset(ZoneOffset.UTC))), null, "\"" + seen.getVersion() + "\"", null));
    assertEquals(412, stale.getCode());
    assertEquals("https://zhangban.gov.cn/problems/version-changed",
        new JsonObject(stale.getResponseBody()).getString("type"));
    cases.verifyRectificationCase(caseId, new VerifyInput().finding(Finding.TRUE).contact(new CaseContact()
        .method(ContactMethod.PHONE).note("电话回访").contactedAt(server.clock.instant().atOffset(ZoneOffset.UTC))),
        null, "\"" + claimed.getVersion() + "\"", null);
    cases.rectifyRectificationCase(caseId, new RectifyInput().outcome(RectificationOutcome.IMMEDIATE)
        .measures("当场补办，调整窗口排班"), null, null, null);
    RectificationCase replied = cases.replyRectificationCase(caseId, new ReplyInput().reply("已整改，感谢监督。"),
        null, null, null);
    assertEquals("replied", replied.getState().getValue());

    // the follow-up closes the case
    rater.followUpRating(rating.getId(), new FollowUpInput().satisfaction(Satisfaction.SATISFIED), null, null);
    assertEquals("closed", cases.getRectificationCase(caseId, null, null).getState().getValue());

    // and the manager reads it in the statistics
    RatingStats stats = new StatisticsApi(as("manager-sun")).getRatingStats(LocalDate.of(2026, 11, 25),
        LocalDate.of(2026, 11, 25), null, null, StatsDimension.NONE, null, null, null, null);
    assertTrue(stats.getTotals().getLevels().getLevel1() >= 1, stats.toString());
    assertTrue(stats.getTotals().getPoor() >= 1);
  }

  @Test
  void theCatalogAnswersNotModifiedToTheTagTheClientKept() throws Exception {
    CatalogApi catalog = new CatalogApi(as("citizen-zhang"));
    ApiResponse<?> first = catalog.getServiceItemWithHttpInfo("MZ-HY-001", null, null);
    String etag = first.getHeaders().get("etag").get(0);
    assertNotNull(etag);
    ApiException notModified = assertThrows(ApiException.class, () -> catalog.getServiceItem("MZ-HY-001", null, etag));
    assertEquals(304, notModified.getCode());
  }
}
