package dev.gatehouse.http.edge;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A request names its credentials and its body's type once. Two {@code Authorization} headers, or two
 * {@code Content-Type} headers, are answered 400 before anything reads either: each is a single value (RFC 9110),
 * and which of two the server took — the first — need not be the one a proxy in front of it checked or logged.
 * Jetty refuses a repeated {@code Content-Length} and {@code Host} itself. The connection is closed after the
 * answer (a body may be left unread). Thread-safe (immutable).
 */
final class SingleHeaders extends Handler.Wrapper {

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int authorizations = 0;
        int types = 0;
        for (HttpField field : request.getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.AUTHORIZATION) {
                authorizations++;
            } else if (header == HttpHeader.CONTENT_TYPE) {
                types++;
            }
        }
        if (authorizations > 1 || types > 1) {
            String repeated = authorizations > 1 ? authorizations + " Authorization" : types + " Content-Type";
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                    "the request carries " + repeated + " headers; send one");
            return true;
        }
        return super.handle(request, response, callback);
    }
}
