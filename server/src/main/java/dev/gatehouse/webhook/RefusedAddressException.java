package dev.gatehouse.webhook;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A webhook target resolved to an address that webhooks may not reach ({@link TargetPolicy}); nothing was
 * sent. An {@link IOException} so that it travels through the HTTP client's connection path like any other
 * reason a connection could not be made.
 */
final class RefusedAddressException extends IOException {

    private final transient InetAddress address;
    private final AddressKind kind;

    /** @param address the refused address; null when {@code host} was refused as written, before any lookup */
    RefusedAddressException(String host, InetAddress address, AddressKind kind) {
        super(host + (address == null ? " is a " : " resolves to a ") + kind.description() + " address");
        this.address = address;
        this.kind = kind;
    }

    InetAddress address() {
        return address;
    }

    AddressKind kind() {
        return kind;
    }
}
