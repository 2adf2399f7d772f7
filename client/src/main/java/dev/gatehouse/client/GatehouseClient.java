package dev.gatehouse.client;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A client of one Gatehouse deployment's native API (docs/client.md), acting with one API key:
 *
 * <pre>{@code
 * try (GatehouseClient gatehouse = GatehouseClient.builder().url("http://localhost:8080").key(key).build()) {
 *     OrgClient acme = gatehouse.org(7);
 *     boolean allowed = acme.decisions().check(Check.of(MemberRef.user("u-42"), "doc.read").on("doc", "d1")).allowed();
 * }
 * }</pre>
 *
 * <p><b>A session.</b> The client keeps the highest {@code Gatehouse-Revision} its answers carried
 * ({@link #revision()}) and sends it with every decision as {@code min_revision}: whichever node answers, a decision
 * reflects this client's own writes and never goes back in time. Hand {@link #revision()} to another process and
 * start its client with {@link Builder#revision(long)} to carry the guarantee across.
 *
 * <p><b>Failures</b> are unchecked {@link GatehouseException}s, one subclass per kind. 429s and retryable 503s are
 * retried with backoff as {@link RetryPolicy} says; lists are {@link java.util.stream.Stream}s that page by
 * themselves (closing one early is not required, but export streams hold a connection until closed).
 *
 * <p>Thread-safe: share one client across threads; {@link #close()} stops its threads.
 */
public interface GatehouseClient extends AutoCloseable {

    /** A builder for a client; {@link Builder#url} and {@link Builder#key} are required. */
    static Builder builder() {
        return new Builder();
    }

    Models models();

    Organizations organizations();

    /** Read-only keys for {@link GatehouseReplica}s (service key). */
    ReplicaKeys replicaKeys();

    /** Everything inside organization {@code orgId}. */
    OrgClient org(long orgId);

    /**
     * The deployment's bulk import and export (service key): every organization's lines in one request, each
     * organization's after an {@code organization} line that creates or names it ({@link Bulk}).
     */
    Bulk bulk();

    /** The revision the answering node's engine has applied and a digest of its decision state (service key). */
    EngineState engine();

    /**
     * The session's revision: the highest {@code Gatehouse-Revision} seen (0 before any), lowered only to the end of
     * the deployment's change log when the server refuses it as a revision the log never reached (docs/client.md).
     */
    long revision();

    /**
     * Raises the session's revision to at least {@code revision} (a token from elsewhere); never lowers it. A token
     * past the end of the deployment's change log is lowered to that end by the next decision ({@link #revision()}).
     * A negative one is refused ({@link IllegalArgumentException}), as {@link Builder#revision(long)} refuses it.
     */
    void observeRevision(long revision);

    /**
     * Stops the client's threads and ends the calls in progress at once (a call waiting for its answer throws
     * {@link IllegalStateException}, one waiting to retry the failure it met); calls after it throw
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    void close();

    /**
     * A node's engine state ({@code GET /v1/engine}): nodes reporting the same revision and digest answer every
     * decision alike.
     *
     * @param revision the applied revision the digest reflects, or null when writes kept moving it
     */
    record EngineState(Long revision, String digest, long organizations) {

        static EngineState from(JsonNode n) {
            return new EngineState(Wire.longOrNull(n, "revision"), Wire.text(n, "digest"),
                    Wire.number(n, "organizations"));
        }
    }

    /**
     * Configures a {@link GatehouseClient}; the built client is immutable, the builder is not (and not thread-safe).
     * Defaults: connect timeout 5 s, request timeout 30 s, bulk timeout 1 h, {@link RetryPolicy#DEFAULT}, 100 items per
     * page, session revision 0.
     */
    final class Builder {

        private URI url;
        private String key;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration bulkTimeout = Duration.ofHours(1);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private int pageSize = 100;
        private long revision;

        private Builder() {
        }

        /**
         * The deployment's base URL, e.g. {@code http://localhost:8080} or {@code https://example.com/gatehouse} (http
         * or https; no user info, query or fragment, since each request's path is appended to it).
         */
        public Builder url(String baseUrl) {
            this.url = baseUrl(baseUrl);
            return this;
        }

        /** The API key (a service key or a member key); sent as {@code Authorization: Bearer}. */
        public Builder key(String apiKey) {
            this.key = apiKey(apiKey);
            return this;
        }

        /** How long to wait for a connection. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long to wait for each answer (each attempt), whole: headers and body (docs/client.md, "Timeouts").
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * How long to wait for an import's answer (whole, or the headers of one answering with progress lines) or an
         * export's headers; the lines of an export or of an import's progress then come without a bound.
         */
        public Builder bulkTimeout(Duration timeout) {
            this.bulkTimeout = positive(timeout, "bulkTimeout");
            return this;
        }

        /** When to send a request again ({@link RetryPolicy#none()} never does). */
        public Builder retry(RetryPolicy policy) {
            this.retry = Arguments.required(policy, "retry");
            return this;
        }

        /** Items fetched per page by lists and lookups (1–1,000). */
        public Builder pageSize(int items) {
            if (items < 1 || items > 1000) {
                throw new IllegalArgumentException("pageSize must be 1..1000, got " + items);
            }
            this.pageSize = items;
            return this;
        }

        /** The session's starting revision: a {@code Gatehouse-Revision} this client's reads must reflect. */
        public Builder revision(long startRevision) {
            this.revision = revisionToken(startRevision);
            return this;
        }

        /** A session revision handed in by the caller: a {@code Gatehouse-Revision} is never negative. */
        static long revisionToken(long revision) {
            if (revision < 0) {
                throw new IllegalArgumentException("revision must be >= 0, got " + revision);
            }
            return revision;
        }

        /** The client; its settings cannot change afterwards. */
        public GatehouseClient build() {
            if (url == null || key == null) {
                throw new IllegalStateException("a GatehouseClient needs url(…) and key(…)");
            }
            return HttpGatehouseClient.create(url, key, connectTimeout, requestTimeout, bulkTimeout, retry, pageSize,
                    revision);
        }

        /**
         * A deployment's base URL, checked: absolute, http or https in any case (RFC 3986: a scheme is
         * case-insensitive), a port (when given) from 1 to 65535, without user info, query or fragment, and not
         * ending in {@code /v1} — the one rule of this builder, the replica's and the command line's. Answered
         * normalized: the scheme in lower case and the path without trailing slashes, since each request's path,
         * which starts with one (and with {@code /v1}), is appended to it ({@code http://host//} would ask for
         * {@code //v1/orgs}, {@code http://host/v1} for {@code /v1/v1/orgs}).
         */
        static URI baseUrl(String baseUrl) {
            Arguments.required(baseUrl, "url");
            if (!baseUrl.regionMatches(true, 0, "http://", 0, 7) && !baseUrl.regionMatches(true, 0, "https://", 0, 8)) {
                // said here: URI parsing would answer "Illegal character in scheme name" for 127.0.0.1:8080
                throw new IllegalArgumentException("url must start with http:// or https://, got \"" + baseUrl + "\"");
            }
            URI parsed;
            try {
                parsed = URI.create(baseUrl);
            } catch (IllegalArgumentException malformed) {
                throw new IllegalArgumentException("url must be an absolute http(s) URL, got \"" + baseUrl + "\" ("
                        + malformed.getMessage() + ")", malformed);
            }
            if (parsed.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http(s) URL, got \"" + baseUrl + "\"");
            }
            if (parsed.getRawUserInfo() != null) {
                // not quoted: it may hold a password
                throw new IllegalArgumentException("url must not carry user info (the key goes in key(…)), got a URL "
                        + "of host " + parsed.getHost());
            }
            if (parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
                // every path is appended to the base: after a query or a fragment it would address the wrong resource
                throw new IllegalArgumentException("url must be a base URL without a query or fragment, got \""
                        + baseUrl + "\"");
            }
            if (parsed.getPort() == 0 || parsed.getPort() > 65535) {
                // said here: the HTTP client would answer "port out of range:99999" on the first request
                throw new IllegalArgumentException("url must have a port from 1 to 65535, got " + parsed.getPort()
                        + " in \"" + baseUrl + "\"");
            }
            if (parsed.getPort() == -1 && parsed.getRawAuthority().endsWith(":")) {
                // "http://host:" parses with no port, and every request would go to the scheme's default port
                throw new IllegalArgumentException("url must have a port from 1 to 65535, got an empty port in \""
                        + baseUrl + "\"");
            }
            if (Arrays.stream(parsed.getPath().split("/")).anyMatch(s -> s.equals(".") || s.equals(".."))) {
                // "." and ".." segments are sent as written (every request path is appended to the base), so a
                // base such as http://host/x/.. would ask for /x/../v1/orgs and be answered 404
                throw new IllegalArgumentException("url must not hold \".\" or \"..\" path segments, got \""
                        + baseUrl + "\"");
            }
            String scheme = parsed.getScheme();
            String normalized = scheme.toLowerCase(Locale.ROOT)
                    + baseUrl.substring(scheme.length()).replaceAll("/+$", "");
            if (normalized.endsWith("/v1")) {
                throw new IllegalArgumentException("url must be the deployment's base URL, without the API's /v1 (it "
                        + "is added to each request), got \"" + baseUrl + "\": use \""
                        + normalized.substring(0, normalized.length() - 3) + "\"");
            }
            return URI.create(normalized);
        }

        /** An API key, checked: not blank. */
        /**
         * The key, checked before it is sent: it goes in a header, which carries visible ASCII only. The refusal
         * names the character's place and kind, never the key (a key read from a file with Windows line endings
         * ends in a carriage return, and a header error quoting the line would print the secret).
         */
        static String apiKey(String apiKey) {
            Arguments.required(apiKey, "key");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("key must not be blank");
            }
            for (int i = 0; i < apiKey.length(); i++) {
                char c = apiKey.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    String kind = c == '\r' || c == '\n' ? "a line break (a key read from a file may end in one)"
                            : c == ' ' || c == '\t' ? "a space" : c < ' ' || c == 0x7f ? "a control character"
                            : "a character beyond ASCII";
                    throw new IllegalArgumentException("key holds " + kind + " at position " + (i + 1) + " of "
                            + apiKey.length() + "; an API key is visible ASCII only (it is not shown here)");
                }
            }
            return apiKey;
        }

        static Duration positive(Duration value, String name) {
            Arguments.required(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
