package zhangban.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Per-client limits count an IPv6 client by its /64, which one subscriber holds whole. */
class ClientAddressTest {
  @Test
  void anIpv6AddressCountsAsItsSlash64() {
    assertEquals("20010db800010002::/64", Http.ipv6Network("2001:db8:1:2:3:4:5:6"));
    assertEquals("20010db800010002::/64", Http.ipv6Network("2001:db8:1:2:ffff::1"), "another host of the same /64");
    assertEquals("20010db800010002::/64", Http.ipv6Network("[2001:db8:1:2::9]"));
    assertEquals("20010db800010003::/64", Http.ipv6Network("2001:db8:1:3::1"));
  }

  @Test
  void whatIsNoIpv6AddressStaysAsItIs() {
    assertEquals("not:an:address:zz", Http.ipv6Network("not:an:address:zz"));
    assertEquals("localhost:8080", Http.ipv6Network("localhost:8080"), "a name is not looked up");
    assertEquals("2001:db8::1::2", Http.ipv6Network("2001:db8::1::2"));
    assertEquals("::ffff:203.0.113.9", Http.ipv6Network("::ffff:203.0.113.9"), "an IPv4-mapped address is an IPv4 client");
  }
}
