package zhangban.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The authenticated caller. {@code department} is set for officers and integration clients,
 * {@code uscc} (统一社会信用代码) for enterprise members.
 */
public record Principal(String subject, Optional<String> name, Set<Role> roles,
                        Optional<String> department, Optional<String> uscc) {

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
        .put("uscc", uscc.orElse(null));
  }

  /**
   * Reads roles from verified claims. A token without {@code roles} is a citizen (a Firebase phone
   * user, say). An officer or integration client without {@code dept}, or an enterprise member
   * without {@code uscc}, does not get that role: it could not be scoped.
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
    return new Principal(claims.getString("sub"), name, roles, dept, uscc);
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
