package dev.gatehouse.http.edge;

import dev.gatehouse.http.HeaderValues;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A request names its credentials and its body's type once, and frames its body only as HTTP/1.1 allows. Two
 * {@code Authorization} headers, or two {@code Content-Type} headers, are answered 400 before anything reads either:
 * each is a single value (RFC 9110), and which of two the server took — the first — need not be the one a proxy in
 * front of it checked or logged. Jetty refuses a repeated {@code Content-Length} and {@code Host} itself. A
 * {@code Transfer-Encoding} naming a coding besides {@code chunked} ({@code gzip, chunked}) is 501: Jetty would take
 * the body as if only chunked, handing gzip bytes on as the body; one on an HTTP/1.0 request, where no transfer
 * coding exists, is 400 (RFC 9112, 6.1: the framing is faulty). The connection is closed after the answer (a body
 * may be left unread). Thread-safe (immutable).
 */
final class SingleHeaders extends Handler.Wrapper {

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int authorizations = 0;
        int types = 0;
        String coding = null;
        boolean transferCoded = false;
        for (HttpField field : request.getHeaders()) {
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.AUTHORIZATION) {
                authorizations++;
            } else if (header == HttpHeader.CONTENT_TYPE) {
                types++;
            } else if (header == HttpHeader.TRANSFER_ENCODING) {
                transferCoded = true;
                for (String value : field.getValues()) {
                    if (coding == null && !value.isBlank() && !value.strip().equalsIgnoreCase("chunked")) {
                        coding = value.strip();
                    }
                }
            }
        }
        if (authorizations > 1 || types > 1) {
            String repeated = authorizations > 1 ? authorizations + " Authorization" : types + " Content-Type";
            return refuse(request, response, callback, HttpStatus.BAD_REQUEST_400,
                    "the request carries " + repeated + " headers; send one");
        }
        if (transferCoded && request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0) {
            return refuse(request, response, callback, HttpStatus.BAD_REQUEST_400,
                    "HTTP/1.0 has no Transfer-Encoding; send a Content-Length");
        }
        if (coding != null) {
            return refuse(request, response, callback, HttpStatus.NOT_IMPLEMENTED_501, "the transfer coding \""
                    + HeaderValues.shown(coding) + "\" is not one this server decodes; send the body chunked or with "
                    + "a Content-Length");
        }
        return super.handle(request, response, callback);
    }

    private static boolean refuse(Request request, Response response, Callback callback, int status, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        Response.writeError(request, response, callback, status, message);
        return true;
    }
}
