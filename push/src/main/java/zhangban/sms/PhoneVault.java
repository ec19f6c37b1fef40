package zhangban.sms;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Phone numbers are personal data (个人信息保护法): stored encrypted, looked up by a keyed hash,
 * shown masked. Encryption is AES-256-GCM with a fresh 96-bit nonce, under the current key of a
 * list whose older keys still decrypt (rotation: put a new key first, re-encrypt at leisure, then
 * drop the old one). The look-up hash is HMAC-SHA256 under a key of its own, so that a leaked
 * table cannot be matched against a list of numbers; changing it means hashing every number again.
 *
 * <p>Stored form: {@code v1:<key id>:<Base64url(nonce || ciphertext || tag)>}.
 */
public final class PhoneVault {
  /** A mainland mobile number, or any E.164 number. */
  private static final Pattern MAINLAND = Pattern.compile("^1[3-9][0-9]{9}$");
  private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
  private static final byte[] PURPOSE = "zhangban phone".getBytes(StandardCharsets.UTF_8);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, SecretKeySpec> keys;
  private final String currentKey;
  private final SecretKeySpec lookupKey;

  /**
   * {@code keys}: key id to a 32-byte AES key, the first the current one; {@code lookupKey} at
   * least 32 bytes.
   */
  public PhoneVault(Map<String, byte[]> keys, byte[] lookupKey) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one phone encryption key is needed");
    }
    this.keys = new LinkedHashMap<>();
    keys.forEach((id, key) -> {
      if (key.length != 32 || !id.matches("[A-Za-z0-9_-]{1,32}")) {
        throw new IllegalArgumentException("a phone key is an id of letters, digits, _ and - and 32 bytes, got " + id);
      }
      this.keys.put(id, new SecretKeySpec(key, "AES"));
    });
    if (lookupKey.length < 32) {
      throw new IllegalArgumentException("the phone look-up key needs at least 32 bytes");
    }
    this.currentKey = keys.keySet().iterator().next();
    this.lookupKey = new SecretKeySpec(lookupKey, "HmacSHA256");
  }

  /**
   * Parses {@code id:base64,id:base64} (the current key first) and a Base64 look-up key, as the
   * configuration gives them.
   */
  public static PhoneVault parse(String keyList, String lookupKey) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String entry : keyList.split(",")) {
      String[] parts = entry.trim().split(":", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("phone keys are id:base64, comma-separated");
      }
      keys.put(parts[0], Base64.getDecoder().decode(parts[1]));
    }
    return new PhoneVault(keys, Base64.getDecoder().decode(lookupKey.trim()));
  }

  /** The number in E.164 (+8613812341234), or empty when it is not a phone number. */
  public static Optional<String> normalize(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String n = raw.replaceAll("[\\s()-]", "");
    if (MAINLAND.matcher(n).matches()) {
      return Optional.of("+86" + n);
    }
    if (n.startsWith("0086")) {
      n = "+" + n.substring(2);
    }
    return E164.matcher(n).matches() ? Optional.of(n) : Optional.empty();
  }

  private static final Pattern NUMBER_IN_TEXT = Pattern.compile("\\+?[0-9][0-9 -]{5,18}[0-9]");

  /**
   * {@code text} (a provider's words about a message, say) with every run that could be a phone
   * number masked, so that it may be kept and logged.
   */
  public static String scrub(String text) {
    return text == null ? null : NUMBER_IN_TEXT.matcher(text).replaceAll(m -> {
      String digits = m.group().replaceAll("[^0-9]", "");
      return digits.length() < 7 ? m.group() : mask(m.group().startsWith("+") ? "+" + digits : digits);
    });
  }

  /** 138****1234: what anyone but the sending code sees. */
  public static String mask(String e164) {
    String digits = e164.startsWith("+86") ? e164.substring(3) : e164.replace("+", "");
    return digits.length() < 7 ? "****" : digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4);
  }

  public String encrypt(String e164) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.get(currentKey), new GCMParameterSpec(128, nonce));
      c.updateAAD(PURPOSE);
      byte[] sealed = c.doFinal(e164.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return "v1:" + currentKey + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * Keys for development only (DEV_MODE without PHONE_KEYS): derived from a fixed text anyone can
   * read here, so numbers sealed with them are as good as clear. Never for real numbers.
   */
  public static PhoneVault development() {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] key = sha.digest("zhangban development phone key".getBytes(StandardCharsets.UTF_8));
      byte[] lookup = sha.digest("zhangban development phone look-up key".getBytes(StandardCharsets.UTF_8));
      return new PhoneVault(Map.of("dev", key), lookup);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The number back; fails on a value altered or sealed under a key no longer configured. */
  public String decrypt(String stored) {
    String[] parts = stored.split(":", 3);
    if (parts.length != 3 || !parts[0].equals("v1")) {
      throw new IllegalArgumentException("not a stored phone number");
    }
    SecretKeySpec key = keys.get(parts[1]);
    if (key == null) {
      throw new IllegalArgumentException("sealed under phone key " + parts[1] + ", which is no longer configured");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(parts[2]);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(PURPOSE);
      return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("a stored phone number that does not open: altered, or under another key", e);
    }
  }

  /** Whether a stored value was sealed under an older key (and should be sealed again). */
  public boolean stale(String stored) {
    return !stored.startsWith("v1:" + currentKey + ":");
  }

  /** The keyed look-up hash of a number in E.164. */
  public byte[] lookup(String e164) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(lookupKey);
      return mac.doFinal(e164.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
