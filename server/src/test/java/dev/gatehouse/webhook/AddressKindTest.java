package dev.gatehouse.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every special-purpose block, at both ends and just outside, in both families and in their IPv6 disguises. */
class AddressKindTest {

    static InetAddress address(String literal) {
        return IpNetwork.literal(literal);
    }

    /** An IPv6 address exactly as written, even an IPv4-mapped one (which the JDK's parser turns into IPv4). */
    static InetAddress ipv6(String hex32) throws Exception {
        return Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex32), -1);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0.0.0.0, UNSPECIFIED", "0.255.255.255, UNSPECIFIED", "1.0.0.0, PUBLIC",
            "9.255.255.255, PUBLIC", "10.0.0.0, PRIVATE", "10.255.255.255, PRIVATE", "11.0.0.0, PUBLIC",
            "100.63.255.255, PUBLIC", "100.64.0.0, SHARED", "100.127.255.255, SHARED", "100.128.0.0, PUBLIC",
            "126.255.255.255, PUBLIC", "127.0.0.0, LOOPBACK", "127.0.0.1, LOOPBACK", "127.255.255.255, LOOPBACK",
            "128.0.0.0, PUBLIC",
            "169.253.255.255, PUBLIC", "169.254.0.0, LINK_LOCAL", "169.254.169.254, LINK_LOCAL",
            "169.254.255.255, LINK_LOCAL", "169.255.0.0, PUBLIC",
            "172.15.255.255, PUBLIC", "172.16.0.0, PRIVATE", "172.31.255.255, PRIVATE", "172.32.0.0, PUBLIC",
            "192.0.0.0, RESERVED", "192.0.0.255, RESERVED", "192.0.1.0, PUBLIC",
            "192.0.2.0, DOCUMENTATION", "192.0.2.255, DOCUMENTATION", "192.0.3.0, PUBLIC",
            "192.88.99.1, RESERVED", "192.88.100.0, PUBLIC",
            "192.167.255.255, PUBLIC", "192.168.0.0, PRIVATE", "192.168.255.255, PRIVATE", "192.169.0.0, PUBLIC",
            "198.17.255.255, PUBLIC", "198.18.0.0, RESERVED", "198.19.255.255, RESERVED", "198.20.0.0, PUBLIC",
            "198.51.100.7, DOCUMENTATION", "203.0.113.7, DOCUMENTATION",
            "223.255.255.255, PUBLIC", "224.0.0.0, MULTICAST", "224.0.0.251, MULTICAST",
            "239.255.255.255, MULTICAST", "240.0.0.0, RESERVED", "255.255.255.255, RESERVED",
            "8.8.8.8, PUBLIC", "93.184.215.14, PUBLIC",
    })
    void ipv4(String literal, AddressKind kind) {
        assertThat(AddressKind.of(address(literal))).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "::, UNSPECIFIED", "::1, LOOPBACK", "::2, RESERVED", "::7f00:1, RESERVED", "::a9fe:a9fe, RESERVED",
            "64:ff9b::7f00:1, LOOPBACK", "64:ff9b::a9fe:a9fe, LINK_LOCAL", "64:ff9b::a00:1, PRIVATE",
            "64:ff9b::808:808, PUBLIC", "64:ff9b:1::1, RESERVED",
            "100::1, RESERVED", "100::ffff:ffff:ffff:ffff, RESERVED",
            "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED", "2000::1, PUBLIC",
            "2001::1, RESERVED", "2001:0:4136:e378:8000:63bf:3fff:fdd2, RESERVED", "2001:1ff::1, RESERVED",
            "2001:200::1, PUBLIC", "2001:4860:4860::8888, PUBLIC",
            "2001:db8::1, DOCUMENTATION", "2001:db8:ffff::1, DOCUMENTATION", "2001:db9::1, PUBLIC",
            "2002:7f00:1::1, RESERVED", "2002:a9fe:a9fe::1, RESERVED", "2003::1, PUBLIC",
            "2606:4700:4700::1111, PUBLIC", "2a00:1450:4001::1, PUBLIC",
            "3fff::1, DOCUMENTATION", "3fff:fff::1, DOCUMENTATION", "3fff:1000::1, PUBLIC",
            "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, PUBLIC", "4000::1, RESERVED", "5f00::1, RESERVED",
            "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, RESERVED",
            "fc00::, UNIQUE_LOCAL", "fd00:ec2::254, UNIQUE_LOCAL", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, UNIQUE_LOCAL",
            "fe80::, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, LINK_LOCAL",
            "fec0::1, RESERVED", "ff02::1, MULTICAST", "ff0e::1, MULTICAST",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, MULTICAST",
    })
    void ipv6(String literal, AddressKind kind) {
        assertThat(AddressKind.of(address(literal))).isEqualTo(kind);
    }

    /** IPv4-mapped IPv6 (::ffff:a.b.c.d) is whatever the IPv4 address is, however the JDK represents it. */
    @ParameterizedTest(name = "::ffff:{0} is {1}")
    @CsvSource({
            "7f000001, 127.0.0.1, LOOPBACK", "a9fea9fe, 169.254.169.254, LINK_LOCAL", "0a010203, 10.1.2.3, PRIVATE",
            "ac100001, 172.16.0.1, PRIVATE", "c0a80101, 192.168.1.1, PRIVATE", "64400001, 100.64.0.1, SHARED",
            "00000000, 0.0.0.0, UNSPECIFIED", "e0000001, 224.0.0.1, MULTICAST", "ffffffff, 255.255.255.255, RESERVED",
            "08080808, 8.8.8.8, PUBLIC",
    })
    void ipv4Mapped(String hex, String dotted, AddressKind kind) throws Exception {
        InetAddress asIpv6 = ipv6("00000000000000000000ffff" + hex);
        assertThat(asIpv6).isInstanceOf(Inet6Address.class);
        assertThat(AddressKind.of(asIpv6)).isEqualTo(kind);
        InetAddress parsed = InetAddress.getByName("::ffff:" + dotted);
        assertThat(AddressKind.of(parsed)).as("as the JDK parses it: %s", parsed).isEqualTo(kind);
    }

    @Test
    void embeddedIpv4_onlyForMappedAndNat64() throws Exception {
        assertThat(AddressKind.embeddedIpv4(ipv6("00000000000000000000ffff7f000001")))
                .isEqualTo(address("127.0.0.1"));
        assertThat(AddressKind.embeddedIpv4(address("64:ff9b::a9fe:a9fe"))).isEqualTo(address("169.254.169.254"));
        assertThat(AddressKind.embeddedIpv4(address("::7f00:1"))).isNull();
        assertThat(AddressKind.embeddedIpv4(address("2002:7f00:1::1"))).isNull();
        assertThat(AddressKind.embeddedIpv4(address("127.0.0.1"))).isNull();
    }
}
