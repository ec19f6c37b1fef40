package zhangban.identity;

import java.util.Optional;

/** What a caller may do, from the {@code roles} claim. */
public enum Role {
  CITIZEN, ENTERPRISE, OFFICER, MANAGER, ADMIN, INTEGRATION;

  public String wire() {
    return name().toLowerCase();
  }

  public static Optional<Role> fromWire(String s) {
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
