package dev.gatehouse.webhook;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpNetworkTest {

    @Test
    void parse_acceptsCidrAndSingleAddresses_inBothFamilies() {
        assertThat(IpNetwork.parse("10.0.0.0/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(IpNetwork.parse(" 127.0.0.1 ").prefixLength()).isEqualTo(32);
        assertThat(IpNetwork.parse("fd00::/8").prefixLength()).isEqualTo(8);
        assertThat(IpNetwork.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(IpNetwork.parse("0.0.0.0/0").contains(IpNetwork.literal("203.0.113.9"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "localhost", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8",
            "10.0.0.1/8", "256.0.0.0/8", "127.1", "2130706433", "010.0.0.0/8", "fd00::/129", "fd00::1/8",
            "::ffff:127.0.0.0/104", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "10.0.0.0/8 ,"})
    void parse_refusesAnythingButAnAddressLiteralWithAValidPrefix(String text) {
        assertThatThrownBy(() -> IpNetwork.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"");
    }

    @Test
    void parseList_namesTheOptionAndTheBadEntry() {
        assertThat(IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8, 10.0.0.0/8,fd00::/8"))
                .extracting(IpNetwork::toString).containsExactly("127.0.0.0/8", "10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8");
        assertThat(IpNetwork.parseList("--webhook-allowed-networks", " ")).isEmpty();
        assertThat(IpNetwork.parseList("--webhook-allowed-networks", null)).isEmpty();
        assertThatThrownBy(() -> IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8,10.0.0.1/8"))
                .hasMessageStartingWith("--webhook-allowed-networks").hasMessageContaining("10.0.0.1/8");
        assertThatThrownBy(() -> IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8,,10.0.0.0/8"))
                .hasMessageStartingWith("--webhook-allowed-networks");
        assertThatThrownBy(() -> IpNetwork.parseList("--webhook-allowed-networks", "intranet"))
                .hasMessageContaining("\"intranet\" is not an IP address");
    }

    @Test
    void contains_comparesThePrefixBitsOnly_andNeverAcrossFamilies() {
        IpNetwork uniqueLocal = IpNetwork.parse("fc00::/7");
        assertThat(uniqueLocal.contains(IpNetwork.literal("fdff:ffff::1"))).isTrue();
        assertThat(uniqueLocal.contains(IpNetwork.literal("fe00::1"))).isFalse();
        assertThat(uniqueLocal.contains(IpNetwork.literal("fbff::1"))).isFalse();
        IpNetwork shared = IpNetwork.parse("100.64.0.0/10");
        assertThat(shared.contains(IpNetwork.literal("100.127.255.255"))).isTrue();
        assertThat(shared.contains(IpNetwork.literal("100.128.0.0"))).isFalse();
        assertThat(IpNetwork.parse("0.0.0.0/0").contains(IpNetwork.literal("::1"))).isFalse();
        assertThat(IpNetwork.parse("::/0").contains(IpNetwork.literal("127.0.0.1"))).isFalse();
        assertThat(List.of(IpNetwork.parse("10.0.0.0/8"))).containsExactly(IpNetwork.parse("10.0.0.0/8"));
    }
}
