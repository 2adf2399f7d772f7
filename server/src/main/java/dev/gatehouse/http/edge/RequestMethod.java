package dev.gatehouse.http.edge;

import dev.gatehouse.http.Dialect;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The method a request runs, decided before the web framework sees it, whose own rules would answer otherwise:
 * <ul>
 *   <li>The framework routes a request by its {@code X-HTTP-Method-Override} header, whatever the header names and
 *       whatever the request's own method: left alone, a {@code HEAD} or {@code GET} — which caches, prefetchers,
 *       link checkers and retrying proxies take to change nothing — could delete or create on any route. The one
 *       override the product promises is a {@code POST} running the {@code GET} of its path, where a dialect's
 *       original API offers it ({@link Dialect#runsGetSentAsPost()}: Close's clients send long queries so), named
 *       exactly {@code GET} (method names are case-sensitive). A {@code POST} to such a dialect carrying the header
 *       with anything else ({@code get}, {@code DELETE}, the header twice) is refused 400 in the dialect's shape:
 *       run as the {@code POST} it was sent as, it would create what its client meant to read. Every other request
 *       carrying the header reaches the routes without it.
 *   <li>The framework answers a {@code HEAD} of a path with a {@code GET} route 200 and nothing else, without
 *       running the route: no authentication, no 404, no headers of the answer. A {@code HEAD} runs that {@code GET}
 *       instead — the HTTP layer, which knows the request was a {@code HEAD}, sends the answer's status and headers
 *       without its body, and the answer ends with its headers ({@link HeadResponse}): the route is stopped at its
 *       second write, so a {@code HEAD} of a stream ends too.
 * </ul>
 * Thread-safe (immutable).
 */
final class RequestMethod extends Handler.Wrapper {

    static final String OVERRIDE = "X-HTTP-Method-Override";

    private final Function<String, Dialect> dialects;

    /** @param dialects the dialect owning a path */
    RequestMethod(Function<String, Dialect> dialects) {
        this.dialects = dialects;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        boolean dropOverride = headers.contains(OVERRIDE) && !honoured(request, headers.getValuesList(OVERRIDE));
        if (dropOverride && HttpMethod.POST.is(request.getMethod()) && carriesGets(request)) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, OVERRIDE + " must be sent "
                    + "once, as exactly GET (method names are case-sensitive): it is the one override this API "
                    + "honours, and a POST carrying any other is not run as a POST either");
            return true;
        }
        if (head) {
            response = new HeadResponse(request, response);
        }
        if (head || dropOverride) {
            HttpFields sent = dropOverride ? HttpFields.build(headers).remove(OVERRIDE).asImmutable() : headers;
            String method = head ? HttpMethod.GET.asString() : request.getMethod();
            request = new Request.Wrapper(request) {
                @Override
                public String getMethod() {
                    return method;
                }

                @Override
                public HttpFields getHeaders() {
                    return sent;
                }
            };
        }
        return super.handle(request, response, callback);
    }

    /**
     * The response to a {@code HEAD}, which ends with its headers: its first write sends them (HTTP sends no body
     * for a {@code HEAD}), its last ends it, and every write in between fails as if the client had gone. A route
     * that streams its answer — the change stream, which never ends by itself; a snapshot — would otherwise run on,
     * its writes thrown away, holding its thread and its place among the node's streams, and a client waiting on the
     * connection for the end of the answer would wait with it. Confined to the request's thread.
     */
    private static final class HeadResponse extends Response.Wrapper {

        HeadResponse(Request request, Response response) {
            super(request, response);
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (!last && isCommitted()) {
                callback.failed(new EofException("the answer to a HEAD ends with its headers"));
                return;
            }
            super.write(last, content, callback);
        }
    }

    private boolean honoured(Request request, List<String> values) {
        return HttpMethod.POST.is(request.getMethod()) && values.size() == 1
                && HttpMethod.GET.asString().equals(values.get(0)) && carriesGets(request);
    }

    /** Whether the dialect owning the request's path runs a GET sent as a POST ({@link Dialect#runsGetSentAsPost}). */
    private boolean carriesGets(Request request) {
        return dialects.apply(request.getHttpURI().getCanonicalPath()).runsGetSentAsPost();
    }
}
