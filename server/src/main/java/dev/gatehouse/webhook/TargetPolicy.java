package dev.gatehouse.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses webhook requests may go to: public ones ({@link AddressKind#PUBLIC}), and those in the
 * networks the operator allowed ({@code --webhook-allowed-networks}). A name is acceptable only when
 * <em>every</em> address it resolves to is, so that a name with one public and one internal record cannot
 * be used to reach inside. IPv4-mapped IPv6 addresses are matched against allowed IPv4 networks as the IPv4
 * address they are. An IPv6 literal with a zone id ({@code [fe80::1%25eth0]}) is refused whatever the
 * address and the allowed networks: a zone only makes sense for a link-local address.
 *
 * <p>The same policy answers at creation (the URL is refused with a 400) and at every delivery, where the
 * HTTP client connects only to the addresses this policy has just checked ({@link DeliveryClient}), so a
 * name that changes what it resolves to after creation (DNS rebinding) gains nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class TargetPolicy {

    private final List<IpNetwork> allowed;

    TargetPolicy(List<IpNetwork> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Null when requests may go to {@code address}; otherwise the kind of address that keeps them from it. */
    AddressKind refusal(InetAddress address) {
        AddressKind kind = AddressKind.of(address);
        if (kind == AddressKind.PUBLIC) {
            return null;
        }
        if (kind == AddressKind.SCOPED) {
            return kind;
        }
        InetAddress v4 = AddressKind.embeddedIpv4(address);
        for (IpNetwork network : allowed) {
            if (network.contains(address) || (v4 != null && network.contains(v4))) {
                return null;
            }
        }
        return kind;
    }

    /**
     * Resolves {@code host} (a name, or an address literal, IPv6 in brackets or not) and checks every address
     * it stands for.
     *
     * @throws UnknownHostException     when the name does not resolve
     * @throws RefusedAddressException  when any of its addresses may not be called
     */
    List<InetAddress> resolve(String host) throws UnknownHostException, RefusedAddressException {
        checkHost(host);
        List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
        check(host, addresses);
        return addresses;
    }

    /**
     * Throws when {@code host} is refused as written, before any lookup: an IPv6 literal with a zone id, bracketed
     * or not, the zone percent-encoded ({@code %25eth0}, as URLs carry it) or not. Judged on the text, because
     * the JDK cannot parse a zone that names no interface of this machine and would report a name that does
     * not resolve — which is accepted, to be looked up again at delivery. A host name never holds a colon.
     */
    void checkHost(String host) throws RefusedAddressException {
        if (host.indexOf(':') >= 0 && host.indexOf('%') >= 0) {
            throw new RefusedAddressException(host, null, AddressKind.SCOPED);
        }
    }

    /** Throws when any of {@code addresses} (what {@code host} resolved to) may not be called. */
    void check(String host, List<InetAddress> addresses) throws RefusedAddressException {
        for (InetAddress address : addresses) {
            AddressKind refused = refusal(address);
            if (refused != null) {
                throw new RefusedAddressException(host, address, refused);
            }
        }
    }

    List<IpNetwork> allowed() {
        return allowed;
    }
}
