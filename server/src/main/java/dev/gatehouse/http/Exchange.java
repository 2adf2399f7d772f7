package dev.gatehouse.http;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * One request answered by a {@link DirectHandler}: its headers, path parameters and (already buffered) body, and
 * the answer being built — response headers and a JSON body — which {@link DirectRoutes} writes only if the handler
 * answers. A handler that declines leaves no trace. Confined to the thread serving the request.
 */
public final class Exchange {

    private final Request request;
    private final Route route;
    private final String path;
    private final ByteBuffer body;
    private final List<String> headers = new ArrayList<>(4);
    private byte[] json;

    Exchange(Request request, Route route, String path, ByteBuffer body) {
        this.request = request;
        this.route = route;
        this.path = path;
        this.body = body;
    }

    /** A request header, or null. */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** The request's {@code Content-Type}, or null. */
    public String contentType() {
        return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    }

    /** The path segment the route's template names {@code {name}}, or null when it names none. */
    public String pathParam(String name) {
        return route.pathParam(path, name);
    }

    /** The request body, read in full by the edge. */
    public byte[] body() {
        if (body.hasArray() && body.arrayOffset() == 0 && body.position() == 0
                && body.remaining() == body.array().length) {
            return body.array();
        }
        byte[] copy = new byte[body.remaining()];
        body.duplicate().get(copy);
        return copy;
    }

    /** Sets a response header (written only with the answer). */
    public void header(String name, String value) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                headers.set(i + 1, value);
                return;
            }
        }
        headers.add(name);
        headers.add(value);
    }

    /** A response header set so far, or null. */
    public String responseHeader(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }

    /** Answers 200 with this JSON body. */
    public void json(byte[] answer) {
        this.json = answer;
    }

    Route route() {
        return route;
    }

    byte[] answer() {
        return json;
    }

    /** Name, value, name, value… */
    List<String> headers() {
        return headers;
    }
}
