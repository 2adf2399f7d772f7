package dev.gatehouse.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetPolicyTest {

    static final TargetPolicy DEFAULT = new TargetPolicy(List.of());

    static InetAddress a(String literal) {
        return IpNetwork.literal(literal);
    }

    @Test
    void byDefault_onlyPublicAddressesMayBeCalled() {
        assertThat(DEFAULT.refusal(a("93.184.215.14"))).isNull();
        assertThat(DEFAULT.refusal(a("2606:4700:4700::1111"))).isNull();
        assertThat(DEFAULT.refusal(a("127.0.0.1"))).isEqualTo(AddressKind.LOOPBACK);
        assertThat(DEFAULT.refusal(a("169.254.169.254"))).isEqualTo(AddressKind.LINK_LOCAL);
        assertThat(DEFAULT.refusal(a("::1"))).isEqualTo(AddressKind.LOOPBACK);
        assertThat(DEFAULT.refusal(a("fd00:ec2::254"))).isEqualTo(AddressKind.UNIQUE_LOCAL);
    }

    @Test
    void allowedNetworks_reallowExactlyTheirRanges_mappedFormsIncluded() throws Exception {
        TargetPolicy policy = new TargetPolicy(IpNetwork.parseList("--webhook-allowed-networks",
                "127.0.0.0/8,10.1.0.0/16,fd12::/16"));
        assertThat(policy.refusal(a("127.0.0.1"))).isNull();
        assertThat(policy.refusal(AddressKindTest.ipv6("00000000000000000000ffff7f000001"))).isNull();
        assertThat(policy.refusal(a("10.1.255.255"))).isNull();
        assertThat(policy.refusal(a("10.2.0.0"))).isEqualTo(AddressKind.PRIVATE);
        assertThat(policy.refusal(a("fd12::1"))).isNull();
        assertThat(policy.refusal(a("fd13::1"))).isEqualTo(AddressKind.UNIQUE_LOCAL);
        assertThat(policy.refusal(a("::1"))).as("IPv6 loopback is not in 127.0.0.0/8").isEqualTo(AddressKind.LOOPBACK);
        assertThat(policy.refusal(a("169.254.169.254"))).isEqualTo(AddressKind.LINK_LOCAL);
    }

    @Test
    void aNameIsRefused_whenAnyOfItsAddressesIs() {
        assertThatThrownBy(() -> DEFAULT.check("mixed.example", List.of(a("93.184.215.14"), a("10.0.0.5"))))
                .isInstanceOf(RefusedAddressException.class)
                .satisfies(e -> assertThat(((RefusedAddressException) e).kind()).isEqualTo(AddressKind.PRIVATE));
    }

    @Test
    void resolve_refusesEveryNotationOfANonPublicAddress() {
        for (String host : List.of("127.0.0.1", "[::1]", "::1", "[::ffff:127.0.0.1]", "0.0.0.0", "[::]",
                "169.254.169.254", "[fe80::1]", "2130706433", "localhost")) {
            assertThatThrownBy(() -> DEFAULT.resolve(host)).as(host).isInstanceOf(RefusedAddressException.class);
        }
    }

    @Test
    void ipv6LiteralsWithAZoneId_areRefusedAsWritten_whateverTheAddressAndTheAllowedNetworks() throws Exception {
        TargetPolicy allowing = new TargetPolicy(IpNetwork.parseList("--webhook-allowed-networks",
                "127.0.0.0/8,::1/128,fe80::/10,2606:4700::/32"));
        for (String host : List.of("[::1%25lo]", "[fe80::1%25eth0]", "fe80::1%eth0", "[::ffff:127.0.0.1%25lo]",
                "[::1%251]", "[2606:4700:4700::1111%25eth0]")) {
            for (TargetPolicy policy : List.of(DEFAULT, allowing)) {
                assertThatThrownBy(() -> policy.resolve(host)).as(host).isInstanceOf(RefusedAddressException.class)
                        .hasMessageContaining("zone");
            }
        }
        InetAddress scoped = Inet6Address.getByAddress(null, a("fe80::1").getAddress(), 1);
        assertThat(allowing.refusal(scoped)).as("an allowed network does not reallow a zone").isNotNull();
        assertThat(allowing.refusal(a("fe80::1"))).isNull();
    }

    /**
     * A name whose lookup hangs holds the request no longer than the policy's wait, and counts as one that does not
     * resolve yet (accepted at creation, checked at every delivery); with every lookup thread held, a further
     * name is not looked up at all. The lookup is a stand-in for a resolver that never answers.
     */
    @Test
    void aLookupThatHangs_isGivenUpAfterTheWait_andTooManyAtOnceAreNotStarted() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TargetPolicy policy = new TargetPolicy(List.of(), hanging(new CountDownLatch(1), never),
                Duration.ofMillis(200));
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> policy.resolve("hangs.example.com")).isInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("no answer within");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            CountDownLatch held = new CountDownLatch(TargetPolicy.LOOKUPS);
            TargetPolicy busy = new TargetPolicy(List.of(), hanging(held, never), Duration.ofSeconds(60));
            ExecutorService callers = Executors.newFixedThreadPool(TargetPolicy.LOOKUPS);
            try {
                for (int i = 0; i < TargetPolicy.LOOKUPS; i++) {
                    callers.submit(() -> busy.resolve("slow.example.com"));
                }
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> busy.resolve("one-more.example.com")).isInstanceOf(UnknownHostException.class)
                        .hasMessageContaining("lookups under way");
            } finally {
                never.countDown();
                callers.shutdownNow();
            }
        } finally {
            never.countDown();
        }
    }

    /** A lookup that counts {@code started} down, then answers nothing until {@code released}. */
    static TargetPolicy.Lookup hanging(CountDownLatch started, CountDownLatch released) {
        return host -> {
            started.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
    }

    @Test
    void aLookupAnswering_isCheckedAsBefore() {
        TargetPolicy policy = new TargetPolicy(List.of(), host -> new InetAddress[] {a("10.0.0.7")},
                Duration.ofSeconds(2));
        assertThatThrownBy(() -> policy.resolve("inside.example.com")).isInstanceOf(RefusedAddressException.class);
    }
}
