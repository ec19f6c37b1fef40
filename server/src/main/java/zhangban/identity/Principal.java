package zhangban.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import zhangban.http.ApiException;
import zhangban.http.ProblemType;

/**
 * The authenticated caller. {@code department} is set for officers and integration clients,
 * {@code uscc} (统一社会信用代码) for enterprise members; {@code hall} and {@code window} for an
 * integration client that is a hall's system ({@code hall}) or one window's rating tablet (both);
 * {@code region} for a manager, whose {@code scope} ({@link ManagerScopes}) is the departments of
 * that region's subtree.
 */
public record Principal(String subject, Optional<String> name, Set<Role> roles,
                        Optional<String> department, Optional<String> uscc, Optional<String> hall,
                        Optional<String> window, Optional<String> region, Scope scope) {
  private static final String KEY = "zhangban.principal";

  /** The authenticated caller; the contract's security requirement guarantees one on protected operations. */
  public static Principal of(RoutingContext rc) {
    return optional(rc).orElseThrow(() -> new ApiException(ProblemType.UNAUTHORIZED,
        "A valid bearer token is required.", null));
  }

  /** Makes {@code p} the caller of this request (the bearer handler, once the manager's scope is known). */
  static void remember(RoutingContext rc, Principal p) {
    rc.put(KEY, p);
  }

  /** The caller, if the request carried a valid bearer token. */
  public static Optional<Principal> optional(RoutingContext rc) {
    Principal cached = rc.get(KEY);
    if (cached != null) {
      return Optional.of(cached);
    }
    User user = rc.user();
    if (user == null || user.attributes() == null || user.attributes().getJsonObject("claims") == null) {
      return Optional.empty();
    }
    Principal p = fromClaims(user.attributes().getJsonObject("claims"));
    rc.put(KEY, p);
    return Optional.of(p);
  }

  /**
   * The department whose {@code work} (statistics, cases, the queue) a staff caller may see when
   * asking for {@code asked}: one of their region's for a manager (none asked: all of them, which
   * {@link #regionDepartments} narrows to), an officer's own (another is 403); anyone else is 403.
   */
  public Optional<String> departmentScope(Optional<String> asked, String work) {
    if (has(Role.MANAGER)) {
      if (asked.isPresent() && !scope.covers(asked.get())) {
        throw ApiException.forbidden("Department " + asked.get() + " is outside your region; you see the " + work
            + " of region " + region.orElse("?") + " only.");
      }
      return asked;
    }
    if (has(Role.OFFICER)) {
      String own = department.orElseThrow();
      if (asked.isPresent() && !asked.get().equals(own)) {
        throw ApiException.forbidden("Officers see the " + work + " of their own department only.");
      }
      return Optional.of(own);
    }
    throw ApiException.forbidden("Only officers and managers see " + work + ".");
  }

  /**
   * The departments of a manager's region as a statement's parameter ({@code $n::text[] is null or
   * department = any($n)}): null for a manager who sees every department, and for everyone else,
   * whose reads are narrowed by their department or subject instead.
   */
  public String[] regionDepartments() {
    return has(Role.MANAGER) ? scope.parameter() : null;
  }

  /** Whether this caller is a manager whose region covers {@code department}. */
  public boolean managesDepartment(String department) {
    return has(Role.MANAGER) && scope.covers(department);
  }

  /** A manager who sees every department: their region covers them all, or they have none where so configured. */
  public boolean managesEverything() {
    return has(Role.MANAGER) && scope.isAll();
  }

  /** This caller with the departments its region covers, once they have been looked up. */
  public Principal withScope(Scope resolved) {
    return new Principal(subject, name, roles, department, uscc, hall, window, region, resolved);
  }

  /** This caller without the manager role: a manager whose region could not be resolved sees nothing. */
  public Principal withoutManagerRole() {
    Set<Role> rest = EnumSet.noneOf(Role.class);
    rest.addAll(roles);
    rest.remove(Role.MANAGER);
    return new Principal(subject, name, rest, department, uscc, hall, window, Optional.empty(), Scope.NONE);
  }

  /**
   * A window's rating tablet: an integration credential naming its window. It rates the visits of
   * its window and does nothing else an integration client may (tablets sit in public halls).
   */
  public boolean isWindowTablet() {
    return window.isPresent();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** Whether this caller files applications: a citizen, or an enterprise member (filing for the enterprise). */
  public boolean isApplicant() {
    return has(Role.CITIZEN) || has(Role.ENTERPRISE);
  }

  public String primaryRole() {
    for (Role r : new Role[] {Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.INTEGRATION, Role.ENTERPRISE, Role.CITIZEN}) {
      if (roles.contains(r)) {
        return r.wire();
      }
    }
    return Role.CITIZEN.wire();
  }

  public JsonObject toJson() {
    JsonArray rs = new JsonArray();
    roles.stream().sorted().forEach(r -> rs.add(r.wire()));
    return new JsonObject()
        .put("subject", subject)
        .put("name", name.orElse(null))
        .put("roles", rs)
        .put("department", department.orElse(null))
        .put("uscc", uscc.orElse(null))
        .put("region", region.orElse(null));
  }

  /**
   * Reads roles from verified claims. A token without {@code roles} is a citizen (a Firebase phone
   * user, say). An officer or integration client without {@code dept}, or an enterprise member
   * without {@code uscc}, does not get that role: it could not be scoped; nor does a manager whose
   * {@code region} claim is there but not a 6-digit code. A manager sees nothing until {@link
   * ManagerScopes} has looked up their {@code region}.
   */
  public static Principal fromClaims(JsonObject claims) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Object raw = claims.getValue("roles");
    if (raw instanceof JsonArray arr) {
      arr.forEach(v -> { if (v instanceof String s) Role.fromWire(s).ifPresent(roles::add); });
    } else if (raw instanceof String s) {
      for (String part : s.split("[ ,]+")) {
        Role.fromWire(part).ifPresent(roles::add);
      }
    } else if (raw == null) {
      roles.add(Role.CITIZEN);
    }
    Optional<String> dept = Optional.ofNullable(claims.getValue("dept")).filter(String.class::isInstance)
        .map(String.class::cast).filter(s -> !s.isBlank());
    Optional<String> uscc = Optional.ofNullable(claims.getValue("uscc")).filter(String.class::isInstance)
        .map(String.class::cast).filter(Principal::isValidUscc);
    if (dept.isEmpty()) {
      roles.remove(Role.OFFICER);
      roles.remove(Role.INTEGRATION);
    }
    if (uscc.isEmpty()) {
      roles.remove(Role.ENTERPRISE);
    }
    Optional<String> name = Optional.ofNullable(claims.getValue("name")).filter(String.class::isInstance).map(String.class::cast);
    Optional<String> hall = text(claims, "hall").filter(h -> roles.contains(Role.INTEGRATION));
    Optional<String> window = text(claims, "window").filter(w -> hall.isPresent());
    Optional<String> region = text(claims, "region").filter(r -> r.matches("[0-9]{6}"));
    if (claims.containsKey("region") && region.isEmpty()) {
      roles.remove(Role.MANAGER); // a region that is not a code is no region to scope a manager to
    }
    if (!roles.contains(Role.MANAGER)) {
      region = Optional.empty();
    }
    return new Principal(claims.getString("sub"), name, roles, dept, uscc, hall, window, region, Scope.NONE);
  }

  private static Optional<String> text(JsonObject claims, String name) {
    return Optional.ofNullable(claims.getValue(name)).filter(String.class::isInstance).map(String.class::cast)
        .filter(s -> !s.isBlank() && s.length() <= 50);
  }

  /** Adds to {@code errors} the field error of {@code code} at {@code pointer} when it is not a valid 统一社会信用代码. */
  public static void checkUscc(String code, String pointer, JsonArray errors) {
    if (!isValidUscc(code)) {
      errors.add(ApiException.fieldError(pointer, "Not a valid 统一社会信用代码 (GB 32100-2015)."));
    }
  }

  /** 统一社会信用代码: 18 characters from the code's alphabet (GB 32100-2015), with its check character. */
  public static boolean isValidUscc(String code) {
    String alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    int[] weights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    if (code == null || code.length() != 18) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      int v = alphabet.indexOf(code.charAt(i));
      if (v < 0) {
        return false;
      }
      sum += v * weights[i];
    }
    int check = (31 - sum % 31) % 31;
    return code.charAt(17) == alphabet.charAt(check);
  }
}
