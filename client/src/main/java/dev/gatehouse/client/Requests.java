package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Answer;
import dev.gatehouse.client.Transport.Call;
import dev.gatehouse.client.Transport.Safety;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * The native API's request shapes over a {@link Transport}: JSON reads and writes, and lists that page by
 * themselves ({@code limit} and {@code cursor} in, {@code {items, next_cursor}} out, docs/api.md). Every feature's
 * client is a thin layer over this. Immutable and thread-safe.
 */
final class Requests {

    static final String JSON = "application/json";

    final Transport transport;
    final Duration timeout;
    final Duration bulkTimeout;
    final int pageSize;

    Requests(Transport transport, Duration timeout, Duration bulkTimeout, int pageSize) {
        this.transport = transport;
        this.timeout = timeout;
        this.bulkTimeout = bulkTimeout;
        this.pageSize = pageSize;
    }

    /** A GET's answer as {@code read} makes it; one it cannot read is {@code malformed_answer} ({@link Wire#read}). */
    <T> T get(String path, Function<JsonNode, T> read) {
        return send("GET", path, Safety.IDEMPOTENT, null, null, read);
    }

    /** A write (or a read sent as POST) with a JSON body; its JSON answer (null for 204). */
    JsonNode send(String method, String path, Safety safety, JsonNode body, Long ifMatch) {
        return answer(method, path, safety, body, ifMatch).body();
    }

    /** {@link #send(String, String, Safety, JsonNode, Long)}, its answer as {@code read} makes it ({@link Wire#read}). */
    <T> T send(String method, String path, Safety safety, JsonNode body, Long ifMatch, Function<JsonNode, T> read) {
        Answer answer = answer(method, path, safety, body, ifMatch);
        return Wire.read(answer.status(), method + " " + path, answer.body(), read);
    }

    /**
     * A {@code DELETE} of many that answers how many it removed ({@code {"removed": n}}). A retry that found its
     * target gone ({@link Answer#gone()}) removed nothing itself: 0, as a retry answered 200 would say.
     */
    long removeAll(String path) {
        Answer answer = answer("DELETE", path, Safety.IDEMPOTENT, null, null);
        return answer.gone() ? 0 : Wire.read(answer.status(), "DELETE " + path, answer.body(),
                removed -> Wire.number(removed, "removed"));
    }

    Answer answer(String method, String path, Safety safety, JsonNode body, Long ifMatch) {
        byte[] bytes = body == null ? null : Wire.MAPPER.writeValueAsBytes(body);
        return transport.json(new Call(method, path, safety,
                bytes == null ? null : () -> HttpRequest.BodyPublishers.ofByteArray(bytes), true, JSON, JSON, ifMatch,
                timeout));
    }

    /**
     * Every item of a list, fetched a page at a time as the stream is consumed. {@code path} may carry its own query;
     * a failure is thrown from the stream's terminal operation.
     */
    <T> Stream<T> pages(String path, Function<JsonNode, T> read) {
        return stream("GET " + path, cursor -> {
            Query query = new Query(path).add("limit", pageSize).add("cursor", cursor);
            return get(query.toString(), page -> new Page<>(Wire.list(page, "items", read), Wire.text(page, "next_cursor")));
        });
    }

    /** One page: its items and the cursor of the next one (null: this was the last). */
    record Page<T>(List<T> items, String next) {
    }

    /**
     * A stream over the pages of {@code what} (the request, as {@code "POST /v1/orgs/7/lookup/members"}) fetched by
     * {@code fetch(cursor)} (cursor null for the first), lazily and in order. Every list that pages goes through
     * here. A page naming as the next one a cursor already asked for is an {@link UnexpectedResponseException}
     * {@code malformed_answer} naming {@code what}: the list would never end (a server or proxy answering every page
     * alike).
     */
    static <T> Stream<T> stream(String what, Function<String, Page<T>> fetch) {
        Iterator<T> items = new Iterator<>() {
            private Iterator<T> current = List.<T>of().iterator();
            private final Set<String> asked = new HashSet<>();
            private String cursor;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && !last) {
                    Page<T> page = fetch.apply(cursor);
                    current = page.items().iterator();
                    cursor = page.next();
                    last = cursor == null;
                    if (!last && !asked.add(cursor)) {
                        throw new UnexpectedResponseException(Problem.malformed(200, what, "its next_cursor "
                                + "names a page already asked for: the list would never end"));
                    }
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED
                | Spliterator.NONNULL), false);
    }
}
