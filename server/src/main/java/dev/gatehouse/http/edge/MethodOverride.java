package dev.gatehouse.http.edge;

import dev.gatehouse.http.Dialect;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Where a request's method may be other than the one it was sent with. The web framework routes a request by its
 * {@code X-HTTP-Method-Override} header when it has one, whatever the header names and whatever the request's own
 * method: left alone, a {@code HEAD} or {@code GET} — which caches, prefetchers, link checkers and retrying proxies
 * take to change nothing — could delete or create on any route. The one override the product promises is a
 * {@code POST} running the {@code GET} of its path, where a dialect's original API offers it
 * ({@link Dialect#runsGetSentAsPost()}: Close's clients send long queries so). Every other request carrying the
 * header reaches the routes without it, and is routed by the method it was sent with.
 * Thread-safe (immutable).
 */
final class MethodOverride extends Handler.Wrapper {

    static final String HEADER = "X-HTTP-Method-Override";

    private final Function<String, Dialect> dialects;

    /** @param dialects the dialect owning a path */
    MethodOverride(Function<String, Dialect> dialects) {
        this.dialects = dialects;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        if (headers.contains(HEADER) && !honoured(request, headers.getValuesList(HEADER))) {
            HttpFields without = HttpFields.build(headers).remove(HEADER).asImmutable();
            request = new Request.Wrapper(request) {
                @Override
                public HttpFields getHeaders() {
                    return without;
                }
            };
        }
        return super.handle(request, response, callback);
    }

    private boolean honoured(Request request, List<String> values) {
        return HttpMethod.POST.is(request.getMethod()) && values.size() == 1
                && HttpMethod.GET.asString().equals(values.get(0))
                && dialects.apply(request.getHttpURI().getCanonicalPath()).runsGetSentAsPost();
    }
}
