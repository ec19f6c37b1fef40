package zhangban.sms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Phone numbers sealed, opened, rotated, looked up and masked. */
class PhoneVaultTest {
  static byte[] key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return k;
  }

  static PhoneVault vault(Map<String, byte[]> keys) {
    return new PhoneVault(keys, key(9));
  }

  @Test
  void aProvidersWordsKeepNoNumberInClear() {
    assertEquals("the number +8613812341234 is wrong".replace("+8613812341234", "138****1234"),
        PhoneVault.scrub("the number +8613812341234 is wrong"));
    assertEquals("手机号 138****1234 已退订", PhoneVault.scrub("手机号 138 1234 1234 已退订"));
    assertEquals("template 200001, request 42", PhoneVault.scrub("template 200001, request 42"),
        "runs shorter than a number's seven digits are left");
  }

  @Test
  void aNumberSealedOpensAndNoTwoSealsAreAlike() {
    PhoneVault v = vault(Map.of("k1", key(1)));
    String a = v.encrypt("+8613812341234");
    String b = v.encrypt("+8613812341234");
    assertNotEquals(a, b, "a fresh nonce each time");
    assertFalse(a.contains("13812341234"));
    assertEquals("+8613812341234", v.decrypt(a));
    assertTrue(a.startsWith("v1:k1:"));
  }

  @Test
  void rotationKeepsOldSealsReadableAndSealsNewOnesUnderTheNewKey() {
    String old = vault(Map.of("k1", key(1))).encrypt("+8613812341234");
    Map<String, byte[]> both = new LinkedHashMap<>();
    both.put("k2", key(2));
    both.put("k1", key(1));
    PhoneVault rotated = vault(both);
    assertEquals("+8613812341234", rotated.decrypt(old));
    assertTrue(rotated.stale(old));
    String renewed = rotated.encrypt(rotated.decrypt(old));
    assertTrue(renewed.startsWith("v1:k2:") && !rotated.stale(renewed));
    IllegalArgumentException dropped = assertThrows(IllegalArgumentException.class,
        () -> vault(Map.of("k2", key(2))).decrypt(old));
    assertTrue(dropped.getMessage().contains("k1"), dropped.getMessage());
  }

  @Test
  void anAlteredSealDoesNotOpen() {
    PhoneVault v = vault(Map.of("k1", key(1)));
    String sealed = v.encrypt("+8613812341234");
    char last = sealed.charAt(sealed.length() - 2);
    String altered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
    assertThrows(IllegalArgumentException.class, () -> v.decrypt(altered));
    assertThrows(IllegalArgumentException.class, () -> v.decrypt("13812341234"));
  }

  @Test
  void theLookUpHashIsStableAndKeyed() {
    PhoneVault v = vault(Map.of("k1", key(1)));
    assertArrayEquals(v.lookup("+8613812341234"), vault(Map.of("k2", key(2))).lookup("+8613812341234"),
        "the encryption key does not change it");
    assertFalse(java.util.Arrays.equals(v.lookup("+8613812341234"),
        new PhoneVault(Map.of("k1", key(1)), key(8)).lookup("+8613812341234")), "another look-up key does");
  }

  @Test
  void numbersAreNormalizedToE164AndMasked() {
    assertEquals(Optional.of("+8613812341234"), PhoneVault.normalize("138 1234-1234"));
    assertEquals(Optional.of("+8613812341234"), PhoneVault.normalize("+8613812341234"));
    assertEquals(Optional.of("+8613812341234"), PhoneVault.normalize("008613812341234"));
    assertEquals(Optional.empty(), PhoneVault.normalize("12812341234"));
    assertEquals(Optional.empty(), PhoneVault.normalize("call me"));
    assertEquals("138****1234", PhoneVault.mask("+8613812341234"));
  }

  @Test
  void theConfiguredFormParsesAndBadKeysAreRefused() {
    String k1 = Base64.getEncoder().encodeToString(key(1));
    PhoneVault v = PhoneVault.parse("k1:" + k1, Base64.getEncoder().encodeToString(key(9)));
    assertEquals("+8613812341234", v.decrypt(v.encrypt("+8613812341234")));
    assertThrows(IllegalArgumentException.class, () -> PhoneVault.parse("k1", Base64.getEncoder().encodeToString(key(9))));
    assertThrows(IllegalArgumentException.class, () -> PhoneVault.parse("k1:" + Base64.getEncoder().encodeToString(new byte[16]),
        Base64.getEncoder().encodeToString(key(9))));
    assertThrows(IllegalArgumentException.class, () -> PhoneVault.parse("k1:" + k1, Base64.getEncoder().encodeToString(new byte[8])));
  }
}
