package zhangban.filing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import zhangban.http.ApiException;
import zhangban.http.MobileNumbers;
import zhangban.http.Http;
import zhangban.http.ProblemType;
import zhangban.identity.Principal;
import zhangban.identity.Role;
import zhangban.sms.PhoneVault;

/**
 * Transactions another system handled (a hall's 综合窗口 queue system, a department's approval
 * system), registered under that system's own 办件编号 so that they are rated, rectified and counted
 * like the app's applications: each stage they reach is a transition of filing, told to the same
 * listeners (the rating invitation, the applicant's notice when Zhangban knows them). The first
 * call registers the transaction; a later one moves it on (受理 then 办结); the same call again
 * changes nothing and answers the transaction as it is. The integrator, not Zhangban, reports the
 * transaction's own lifecycle to the provincial platform (docs/external-transactions.md).
 */
public final class ExternalTransactions {
  /** A stage reached at most this long after now is accepted as given (the integrator's clock may run ahead). */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  /** Zhangban's own numbers (FilingService gives them at submission): never another system's. */
  private static final java.util.regex.Pattern ZHANGBAN_NUMBER = java.util.regex.Pattern.compile("^ZB[0-9]{16,27}$");

  private final FilingService filing;
  private final Optional<PhoneVault> phones;

  public ExternalTransactions(FilingService filing, Optional<PhoneVault> phones) {
    this.filing = filing;
    this.phones = phones;
  }

  /** Registers or moves on transaction {@code number} of {@code client}; answers whether it was new, and the view. */
  public Future<Registered> register(Principal client, String number, JsonObject in) {
    if (!client.has(Role.INTEGRATION) || client.department().isEmpty() || client.isWindowTablet()) {
      throw ApiException.forbidden("Only integration clients of a department register transactions; a window's "
          + "tablet rates visits.");
    }
    if (ZHANGBAN_NUMBER.matcher(number).matches()) {
      throw ApiException.unprocessable("Numbers of the form ZB + 16-27 digits are Zhangban's own.",
          new JsonArray().add(ApiException.fieldError("/number", "Zhangban's own numbering; use the system's.")));
    }
    ApplicationState stage = "completed".equals(in.getString("stage")) ? ApplicationState.COMPLETED
        : ApplicationState.ACCEPTED;
    Instant now = filing.now().truncatedTo(ChronoUnit.MICROS);
    Instant at = Http.instant(in.getString("at"), "/at").truncatedTo(ChronoUnit.MICROS);
    if (at.isAfter(now.plus(CLOCK_SKEW))) {
      throw ApiException.invalid("/at", "Not in the future.");
    }
    JsonObject applicant = in.getJsonObject("applicant");
    Phone phone = phone(applicant.getString("mobile"));
    FilingStore store = filing.store();
    return filing.pool().withTransaction(tx -> store.lockByNumber(tx, number).compose(found -> {
      if (found.isPresent()) {
        return moveOn(tx, client, found.get(), in, stage, at).map(view -> new Registered(false, view));
      }
      return store.itemByCode(tx, in.getString("itemCode"), in.getString("itemImplementationCode")).compose(item -> {
        Row i = item.orElseThrow(() -> ApiException.invalid(in.containsKey("itemCode") ? "/itemCode"
            : "/itemImplementationCode", "No such service item."));
        if (!client.department().get().equals(i.getString("department"))) {
          throw ApiException.forbidden("Item " + i.getString("item_code") + " belongs to department "
              + i.getString("department") + ", not to this client's.");
        }
        boolean enterprise = "enterprise".equals(applicant.getString("kind"));
        ExternalTransaction t = new ExternalTransaction(UUID.randomUUID(), number, stage, i.getString("item_code"),
            i.getInteger("version"), i.getString("department"), applicant.getString("subject"),
            applicant.getString("name"), enterprise ? "enterprise" : "citizen",
            enterprise ? applicant.getString("uscc") : null, phone.sealed(), phone.hash(), phone.masked(),
            in.getString("channel"), client.subject(), client.hall().orElse(null), in.getString("window"),
            at, stage == ApplicationState.COMPLETED ? at : null, now);
        if (enterprise) {
          JsonArray errors = new JsonArray();
          if (t.applicantUscc() == null) {
            errors.add(ApiException.fieldError("/applicant/uscc", "Required for an enterprise."));
          } else {
            Principal.checkUscc(t.applicantUscc(), "/applicant/uscc", errors);
          }
          if (!errors.isEmpty()) {
            throw ApiException.unprocessable("The enterprise needs its 统一社会信用代码.", errors);
          }
        }
        return store.insertExternal(tx, t).compose(inserted -> {
          if (!inserted) {
            // registered a moment ago by a call that met this one: now it is there to move on
            return store.lockByNumber(tx, number).compose(again -> moveOn(tx, client, again.orElseThrow(), in, stage, at))
                .map(view -> new Registered(false, view));
          }
          return store.lock(tx, t.id()).compose(row -> reached(tx, client, row.orElseThrow(), null, in, at))
              .map(view -> new Registered(true, view));
        });
      });
    }));
  }

  /** What a call answers: whether it registered the transaction, and the transaction now. */
  public record Registered(boolean created, JsonObject view) {}

  /** The same stage again changes nothing; 办结 after 受理 moves it on; anything else is refused. */
  private Future<JsonObject> moveOn(SqlClient tx, Principal client, ApplicationRow a, JsonObject in,
                                    ApplicationState stage, Instant at) {
    if (!Objects.equals(a.sourceClient, client.subject())) {
      throw new ApiException(ProblemType.TRANSACTION_NUMBER_TAKEN,
          "Another system, or Zhangban itself, has a transaction numbered " + a.number + ".", null);
    }
    String item = in.getString("itemCode");
    if (item != null && !item.equals(a.itemCode)) {
      throw ApiException.invalid("/itemCode", "Transaction " + a.number + " is of item " + a.itemCode
          + "; the item is fixed when it is registered.");
    }
    if (a.state == stage) {
      return Future.succeededFuture(filing.view(client, a));
    }
    if (a.state != ApplicationState.ACCEPTED || stage != ApplicationState.COMPLETED) {
      throw new ApiException(ProblemType.INVALID_TRANSITION, "Transaction " + a.number + " is " + a.state.wire()
          + "; it cannot go back to " + stage.wire() + ".", new JsonObject().put("currentState", a.state.wire())
          .put("allowedActions", new JsonArray()));
    }
    if (at.isBefore(a.acceptedAt)) {
      throw ApiException.invalid("/at", "Not before the transaction was accepted (" + a.acceptedAt + ").");
    }
    a.state = ApplicationState.COMPLETED;
    a.completedAt = at;
    a.updatedAt = filing.now();
    return filing.store().update(tx, a).compose(v -> {
      a.version++;
      return reached(tx, client, a, ApplicationState.ACCEPTED, in, at);
    });
  }

  /**
   * The stage {@code a} is in now, reached at {@code at} from {@code from}: its timeline event, and
   * the transition told to filing's listeners, as if an officer had taken the step in Zhangban.
   */
  private Future<JsonObject> reached(SqlClient tx, Principal client, ApplicationRow a, ApplicationState from,
                                     JsonObject in, Instant at) {
    String officer = in.getString("officer");
    String action = a.state == ApplicationState.COMPLETED ? Action.COMPLETE.wire() : Action.ACCEPT.wire();
    JsonObject details = new JsonObject().put("source", a.source).put("client", client.subject());
    if (in.getString("window") != null) {
      details.put("window", in.getString("window"));
    }
    if (in.getString("officerName") != null) {
      details.put("officerName", in.getString("officerName"));
    }
    return filing.store().addEvent(tx, a.id, action, from, a.state, officer != null ? officer : client.subject(),
            Role.INTEGRATION.wire(), null, details, at)
        .compose(v -> filing.events().transitioned(tx, new ApplicationEvents.Transition(a.id, a.number, a.itemName,
            a.applicantSubject, a.department, action, from == null ? ApplicationState.SUBMITTED.wire() : from.wire(),
            a.state.wire(), details, a.materials, officer, at, a.source)))
        .map(v -> filing.view(client, a));
  }

  private record Phone(String sealed, byte[] hash, String masked) {}

  /** The applicant's mobile number sealed, its look-up hash and its masked form; all null without one. */
  private Phone phone(String raw) {
    if (raw == null) {
      return new Phone(null, null, null);
    }
    MobileNumbers.Given given = MobileNumbers.read(raw, "/applicant/mobile", phones);
    return new Phone(given.sealed(), given.lookup(), given.masked());
  }
}
