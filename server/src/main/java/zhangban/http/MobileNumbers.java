package zhangban.http;

import io.vertx.core.json.JsonArray;
import java.util.Optional;
import zhangban.sms.PhoneVault;

/** A mobile number a request gives, read once for every operation that takes one. */
public final class MobileNumbers {
  private MobileNumbers() {}

  /** A number as E.164, with the vault this server keeps numbers in. */
  public record Given(PhoneVault vault, String e164) {
    public String sealed() {
      return vault.encrypt(e164);
    }

    public byte[] lookup() {
      return vault.lookup(e164);
    }

    public String masked() {
      return PhoneVault.mask(e164);
    }
  }

  /**
   * The number {@code raw} a request gave at {@code pointer}: 400 when it is no mobile number, 422
   * when this server keeps no numbers ({@code phones} empty: PHONE_KEYS not configured).
   */
  public static Given read(String raw, String pointer, Optional<PhoneVault> phones) {
    String e164 = PhoneVault.normalize(raw)
        .orElseThrow(() -> ApiException.invalid(pointer, "Not a mobile number (13812341234 or +8613812341234)."));
    PhoneVault vault = phones.orElseThrow(() -> ApiException.unprocessable(
        "This server keeps no phone numbers: PHONE_KEYS is not configured.",
        new JsonArray().add(ApiException.fieldError(pointer, "Not kept by this server."))));
    return new Given(vault, e164);
  }
}
