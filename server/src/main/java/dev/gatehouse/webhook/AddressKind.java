package dev.gatehouse.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What an IP address is, as far as webhook targets are concerned: {@link #PUBLIC} (globally routable
 * unicast), or one of the kinds of address that lead inside a network or nowhere. Drawn from the IANA
 * special-purpose address registries (RFC 6890 and successors).
 *
 * <p>IPv4: everything is public except the blocks listed in {@link #of}. IPv6 is stricter: only global
 * unicast ({@code 2000::/3}) can be public, minus its special blocks; everything else (loopback,
 * unspecified, unique-local, link-local, site-local, multicast, discard, unallocated space) is not. An
 * IPv6 address that carries an IPv4 address to be reached through translation — IPv4-mapped
 * ({@code ::ffff:0:0/96}) and the NAT64 well-known prefix ({@code 64:ff9b::/96}) — is the kind of the IPv4
 * address it carries, so {@code ::ffff:169.254.169.254} is link-local like {@code 169.254.169.254}. The
 * deprecated IPv4-compatible ({@code ::/96}), 6to4 ({@code 2002::/16}) and Teredo ({@code 2001::/32})
 * forms, which can also carry an IPv4 address, are refused as a whole. An IPv6 address with a zone id
 * ({@code %eth0}, {@code %2}) is {@link #SCOPED}: a zone names the interface through which a link-local
 * address is reached, so it has no business in a target, and the bits beside it are not looked at.
 */
enum AddressKind {
    PUBLIC("public"),
    UNSPECIFIED("unspecified (\"this network\")"),
    LOOPBACK("loopback"),
    PRIVATE("private (RFC 1918)"),
    SHARED("shared carrier-grade NAT (100.64.0.0/10)"),
    LINK_LOCAL("link-local"),
    UNIQUE_LOCAL("unique-local (fc00::/7)"),
    MULTICAST("multicast"),
    DOCUMENTATION("documentation"),
    RESERVED("reserved"),
    /** An IPv6 address with a zone id ({@code fe80::1%eth0}), whatever its bits: see {@link #of}. */
    SCOPED("zone-scoped IPv6");

    private static final List<Map.Entry<IpNetwork, AddressKind>> IPV4 = List.of(
            entry("0.0.0.0/8", UNSPECIFIED),
            entry("10.0.0.0/8", PRIVATE),
            entry("100.64.0.0/10", SHARED),
            entry("127.0.0.0/8", LOOPBACK),
            entry("169.254.0.0/16", LINK_LOCAL),
            entry("172.16.0.0/12", PRIVATE),
            entry("192.0.0.0/24", RESERVED),       // IETF protocol assignments
            entry("192.0.2.0/24", DOCUMENTATION),  // TEST-NET-1
            entry("192.88.99.0/24", RESERVED),     // 6to4 relay anycast, deprecated
            entry("192.168.0.0/16", PRIVATE),
            entry("198.18.0.0/15", RESERVED),      // benchmarking
            entry("198.51.100.0/24", DOCUMENTATION),
            entry("203.0.113.0/24", DOCUMENTATION),
            entry("224.0.0.0/4", MULTICAST),
            entry("240.0.0.0/4", RESERVED));       // future use, and 255.255.255.255 (broadcast)

    private static final IpNetwork MAPPED = new IpNetwork(mappedPrefix(), 96);
    private static final IpNetwork NAT64 = IpNetwork.parse("64:ff9b::/96");
    private static final IpNetwork GLOBAL_UNICAST = IpNetwork.parse("2000::/3");

    private static final List<Map.Entry<IpNetwork, AddressKind>> IPV6 = List.of(
            entry("::/128", UNSPECIFIED),
            entry("::1/128", LOOPBACK),
            entry("::/96", RESERVED),              // IPv4-compatible, deprecated
            entry("64:ff9b:1::/48", RESERVED),     // local-use NAT64
            entry("100::/64", RESERVED),           // discard-only
            entry("2001::/23", RESERVED),          // IETF protocol assignments, Teredo included
            entry("2001:db8::/32", DOCUMENTATION),
            entry("2002::/16", RESERVED),          // 6to4
            entry("3fff::/20", DOCUMENTATION),
            entry("fc00::/7", UNIQUE_LOCAL),
            entry("fe80::/10", LINK_LOCAL),
            entry("fec0::/10", RESERVED),          // site-local, deprecated
            entry("ff00::/8", MULTICAST));

    private final String description;

    AddressKind(String description) {
        this.description = description;
    }

    /** How a message names this kind of address ("loopback", "link-local", …). */
    String description() {
        return description;
    }

    /** The kind of {@code address}. */
    static AddressKind of(InetAddress address) {
        if (address instanceof Inet6Address v6 && (v6.getScopeId() != 0 || v6.getScopedInterface() != null)) {
            return SCOPED;
        }
        InetAddress v4 = embeddedIpv4(address);
        if (v4 != null) {
            return of(v4);
        }
        if (address instanceof Inet4Address) {
            return lookup(IPV4, address, PUBLIC);
        }
        AddressKind special = lookup(IPV6, address, null);
        if (special != null) {
            return special;
        }
        return GLOBAL_UNICAST.contains(address) ? PUBLIC : RESERVED;
    }

    /**
     * The IPv4 address an IPv6 address stands for (IPv4-mapped, or behind the NAT64 well-known prefix), or
     * null. The JDK usually hands out IPv4-mapped addresses as {@link Inet4Address} already; this covers the
     * other ways of making one.
     */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (address instanceof Inet4Address || !(MAPPED.contains(address) || NAT64.contains(address))) {
            return null;
        }
        byte[] bytes = address.getAddress();
        return IpNetwork.byAddress(Arrays.copyOfRange(bytes, 12, 16));
    }

    private static AddressKind lookup(List<Map.Entry<IpNetwork, AddressKind>> table, InetAddress address,
                                      AddressKind otherwise) {
        for (Map.Entry<IpNetwork, AddressKind> e : table) {
            if (e.getKey().contains(address)) {
                return e.getValue();
            }
        }
        return otherwise;
    }

    /** {@code ::ffff:0:0}, which the JDK would turn into an IPv4 address if parsed as text. */
    private static InetAddress mappedPrefix() {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        try {
            return Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map.Entry<IpNetwork, AddressKind> entry(String network, AddressKind kind) {
        return Map.entry(IpNetwork.parse(network), kind);
    }
}
