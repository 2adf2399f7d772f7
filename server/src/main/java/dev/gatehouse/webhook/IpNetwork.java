package dev.gatehouse.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address
 * ({@code 127.0.0.1} means {@code 127.0.0.1/32}). Parsing never consults DNS: only address literals are
 * accepted, IPv4 in dotted-quad form, IPv6 in any standard form (IPv4-mapped IPv6 networks are written as
 * their IPv4 network instead). Host bits beyond the prefix must be zero, so that a typo such as
 * {@code 10.0.0.1/8} is reported instead of silently meaning {@code 10.0.0.0/8}. Immutable.
 *
 * @param address      the first address of the block
 * @param prefixLength leading bits that every address of the block shares (0–32 for IPv4, 0–128 for IPv6)
 */
public record IpNetwork(InetAddress address, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    public IpNetwork {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + ", got " + prefixLength);
        }
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bits; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("host bits are set in " + address.getHostAddress() + "/"
                        + prefixLength);
            }
        }
    }

    /** Parses {@code <address>/<prefix length>} or a single address; the message names the bad value. */
    public static IpNetwork parse(String text) {
        String value = text == null ? "" : text.strip();
        int slash = value.indexOf('/');
        String literal = slash < 0 ? value : value.substring(0, slash);
        InetAddress address = literal(literal);
        int bits = address.getAddress().length * 8;
        int length = bits;
        if (slash >= 0) {
            String suffix = value.substring(slash + 1);
            if (!suffix.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("\"" + value + "\" has no valid prefix length after '/'");
            }
            length = Integer.parseInt(suffix);
        }
        try {
            return new IpNetwork(address, length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + value + "\": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a comma-separated list ({@code 127.0.0.0/8,10.0.0.0/8}); blank means none. The message names
     * {@code option} and the bad entry.
     */
    public static List<IpNetwork> parseList(String option, String text) {
        List<IpNetwork> networks = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String entry : text.split(",", -1)) {
            try {
                networks.add(parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " must be comma-separated networks in CIDR notation, "
                        + "e.g. 127.0.0.0/8,10.0.0.0/8,fd00::/8; " + e.getMessage(), e);
            }
        }
        return List.copyOf(networks);
    }

    /** An IP address literal, without any name lookup. */
    static InetAddress literal(String text) {
        if (IPV4.matcher(text).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
                }
                bytes[i] = (byte) octet;
            }
            return byAddress(bytes);
        }
        if (IPV6.matcher(text).matches()) {
            InetAddress address;
            try {
                // A literal containing ':' is parsed, never looked up.
                address = InetAddress.getByName("[" + text + "]");
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IPv6 address", e);
            }
            if (address instanceof Inet4Address) {
                throw new IllegalArgumentException("\"" + text + "\" is an IPv4-mapped address; write the IPv4 "
                        + "network (" + address.getHostAddress() + "/…) instead");
            }
            return address;
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }

    static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address of 4 or 16 bytes", e);
        }
    }

    /** Whether {@code candidate} lies in this block (an IPv4 address never lies in an IPv6 block, nor the reverse). */
    public boolean contains(InetAddress candidate) {
        byte[] network = address.getAddress();
        byte[] bytes = candidate.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF00 >>> rest) & 0xFF;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
