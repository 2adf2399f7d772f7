package dev.gatehouse.webhook;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Sends webhook requests: one {@code POST} per call, answered by a status or a {@link DeliveryFailure}.
 *
 * <p><b>Only to checked addresses.</b> The client resolves a target's name itself, checks every address
 * with the {@link TargetPolicy} and hands the connector exactly those addresses, so the address connected
 * to is the address checked, at every new connection — no second lookup for DNS rebinding to exploit.
 * TLS still verifies the certificate against the URL's host name (SNI and endpoint identification use the
 * name, not the address). Pooled connections are reused only for the same scheme, host and port, and
 * were made to checked addresses. A host refused as written (an IPv6 literal with a zone id, {@link
 * TargetPolicy#checkHost}) is refused before any lookup, and a stored URL that {@link WebhookUrl} no longer
 * accepts (a port out of range) is not requested at all; one with characters that are not ASCII (stored before they
 * were refused) is requested percent-encoded as UTF-8 ({@link WebhookUrl#requestUri}), never in Latin-1.
 *
 * <p><b>Nothing implicit.</b> Redirects are not followed (no protocol handlers at all: no redirects, no
 * authentication challenges), no cookies are kept between requests (a receiver cannot make one
 * subscription's requests carry another's cookies), no proxy, no content decoding. The answer's body is
 * read and discarded; the time limit covers connecting, TLS, the answer's headers and its body, and ends every
 * attempt, whatever the receiver sends (an interim status then silence, too).
 *
 * <p>Thread-safe; {@link #close} stops the client's threads ({@code gatehouse-webhook-http-*}).
 */
final class DeliveryClient implements AutoCloseable {

    /** What came of one request: a status (a 2xx is success), or a failure class (with the status if any). */
    record Answer(Integer status, DeliveryFailure failure) {
        boolean succeeded() {
            return failure == null;
        }

        /** The recorded error, or null on success. */
        String error() {
            return failure == null ? null : failure.describe(status);
        }

        static Answer of(int status) {
            return new Answer(status, status >= 200 && status < 300 ? null : DeliveryFailure.HTTP_STATUS);
        }

        static Answer failed(DeliveryFailure failure) {
            return new Answer(null, failure);
        }
    }

    private final HttpClient http;
    private final long timeoutMillis;

    /**
     * @param connections how many requests may be in flight to one scheme, host and port: as many as the node delivers
     *                    at once, so that the hanging requests of some subscriptions do not queue those of others
     *                    that share their receiver's host; the client's threads are as many, and some more, for a
     *                    name lookup that hangs holds one until it ends, whatever the resolver's timeout
     */
    DeliveryClient(TargetPolicy targets, Duration timeout, int connections) {
        this.timeoutMillis = timeout.toMillis();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(32, connections + 16), 2);
        threads.setName("gatehouse-webhook-http");
        threads.setDaemon(true);
        ScheduledExecutorScheduler timer = new ScheduledExecutorScheduler("gatehouse-webhook-http-timer", true);
        http = new HttpClient();
        http.setExecutor(threads);
        http.setScheduler(timer);
        http.setSocketAddressResolver(new CheckedResolver(targets,
                new SocketAddressResolver.Async(threads, timer, timeoutMillis)));
        http.setFollowRedirects(false);
        http.setMaxConnectionsPerDestination(connections);
        http.setConnectTimeout(timeoutMillis);
        http.setIdleTimeout(Math.max(timeoutMillis, 30_000));
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "Gatehouse-Webhooks/1"));
        http.getProtocolHandlers().clear();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        http.setSslContextFactory(tls);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the webhook HTTP client: " + e.getMessage(), e);
        }
        // no content decoding (no Accept-Encoding, an answer's body never inflated): the client fills in its
        // decoders when it starts and finds none, so they are cleared after
        http.getContentDecoderFactories().clear();
    }

    /**
     * Posts {@code body} as JSON to {@code url} with {@code headers}; blocks until the answer, a failure or
     * the time limit.
     *
     * @throws InterruptedException when the calling thread is interrupted (the request is aborted)
     */
    Answer post(String url, Map<String, String> headers, byte[] body) throws InterruptedException {
        if (!WebhookUrl.requestable(url)) {
            return Answer.failed(DeliveryFailure.INVALID_URL);
        }
        Request request;
        try {
            request = http.newRequest(WebhookUrl.requestUri(url));
        } catch (IllegalArgumentException e) {
            return Answer.failed(DeliveryFailure.INVALID_URL);
        }
        request.method(HttpMethod.POST)
                .followRedirects(false)
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .headers(fields -> headers.forEach(fields::put))
                .body(new BytesRequestContent("application/json", body));
        CompletableFuture<Result> done = new CompletableFuture<>();
        request.send(done::complete);
        Result result;
        try {
            // The request's own total timeout ends it, but not every exchange: after an interim status it does not
            // know (a 1xx other than 100-103, say "199") the client waits for the final answer past it. So the
            // limit is kept here too, at the same time, by aborting whatever the request still waits for.
            result = done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            return Answer.failed(DeliveryFailure.TIMEOUT);
        } catch (ExecutionException e) {
            return Answer.failed(DeliveryFailure.of(e.getCause()));
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        }
        if (result.isFailed()) {
            return Answer.failed(DeliveryFailure.of(result.getFailure()));
        }
        return Answer.of(result.getResponse().getStatus());
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping only releases threads and sockets; nothing to recover
        }
    }

    /** Jetty's asynchronous DNS lookup, followed by the policy's check of every address found. */
    private static final class CheckedResolver implements SocketAddressResolver {

        private final TargetPolicy targets;
        private final SocketAddressResolver dns;

        CheckedResolver(TargetPolicy targets, SocketAddressResolver dns) {
            this.targets = targets;
            this.dns = dns;
        }

        @Override
        public void resolve(String host, int port, Map<String, Object> context,
                            Promise<List<InetSocketAddress>> promise) {
            try {
                targets.checkHost(host);
            } catch (RefusedAddressException e) {
                promise.failed(e);
                return;
            }
            InetAddress literal = literal(host);
            if (literal != null) {
                // An address literal needs no lookup: check it here rather than on another thread.
                try {
                    targets.check(host, List.of(literal));
                } catch (RefusedAddressException e) {
                    promise.failed(e);
                    return;
                }
                promise.succeeded(List.of(new InetSocketAddress(literal, port)));
                return;
            }
            dns.resolve(host, port, context, new Promise<>() {
                @Override
                public void succeeded(List<InetSocketAddress> found) {
                    try {
                        targets.check(host, found.stream().map(InetSocketAddress::getAddress).toList());
                    } catch (RefusedAddressException e) {
                        promise.failed(e);
                        return;
                    }
                    // These resolved addresses are what the connector connects to; they keep the host name
                    // only so that TLS can verify the certificate against it.
                    promise.succeeded(found);
                }

                @Override
                public void failed(Throwable failure) {
                    promise.failed(failure);
                }
            });
        }

        /** The address a dotted-quad or bracketed IPv6 host stands for, or null for a name. */
        private static InetAddress literal(String host) {
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                return IpNetwork.literal(bare);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
