package dev.gatehouse.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * <p>At creation the name's lookup is waited for at most {@link #LOOKUP_WAIT}, on a thread of its own (at most
 * {@link #LOOKUPS} at once): a name whose lookup hangs holds no request thread, and is taken as one that does not
 * resolve yet — accepted, and checked at every delivery as any name is.
 *
 * <p>Thread-safe.
 */
public final class TargetPolicy {

    static final Duration LOOKUP_WAIT = Duration.ofSeconds(2);
    static final int LOOKUPS = 8;

    /** How a name is looked up: the system's resolver ({@link InetAddress#getAllByName}), or a test's. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private final List<IpNetwork> allowed;
    private final Lookup lookup;
    private final Duration wait;
    /** Where lookups run; its threads end when idle. */
    private final ThreadPoolExecutor lookups = new ThreadPoolExecutor(0, LOOKUPS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "gatehouse-webhook-lookup");
                thread.setDaemon(true);
                return thread;
            });

    TargetPolicy(List<IpNetwork> allowed) {
        this(allowed, InetAddress::getAllByName, LOOKUP_WAIT);
    }

    TargetPolicy(List<IpNetwork> allowed, Lookup lookup, Duration wait) {
        this.allowed = List.copyOf(allowed);
        this.lookup = lookup;
        this.wait = wait;
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
     * @throws UnknownHostException     when the name does not resolve, or its lookup did not answer in time or
     *                                  could not start (too many under way)
     * @throws RefusedAddressException  when any of its addresses may not be called
     */
    List<InetAddress> resolve(String host) throws UnknownHostException, RefusedAddressException {
        checkHost(host);
        List<InetAddress> addresses = List.of(lookUp(host));
        check(host, addresses);
        return addresses;
    }

    private InetAddress[] lookUp(String host) throws UnknownHostException {
        Future<InetAddress[]> answer;
        try {
            answer = lookups.submit(() -> lookup.all(host));
        } catch (RejectedExecutionException busy) {
            throw new UnknownHostException(host + ": not looked up, " + LOOKUPS + " lookups under way");
        }
        try {
            return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            answer.cancel(true);
            throw new UnknownHostException(host + ": no answer within " + wait);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (failed.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException(failed.getCause());
        } catch (InterruptedException interrupted) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted");
        }
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
