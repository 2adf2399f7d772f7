package dev.gatehouse.http.edge;

import dev.gatehouse.http.HeaderValues;
import java.util.List;
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
 * A request names its credentials, its body's type and whatever else the server decides by once, and frames its body
 * only as HTTP/1.1 allows. A header of {@link #SINGLE} sent twice — two {@code Authorization}, {@code Content-Type},
 * {@code Origin}, {@code Sec-Fetch-Site} or {@code X-TZ-Offset} headers — is answered 400 before anything reads
 * either: each is one value, and which of two the server took — the first — need not be the one a proxy in front of
 * it checked or logged, nor the one a browser meant ({@code http/CrossSite} would judge a write by a same-origin
 * {@code Origin} and pass over another site's beside it). Jetty refuses a repeated {@code Content-Length} and
 * {@code Host} itself; {@code X-HTTP-Method-Override} is judged with the method ({@link RequestMethod}), and
 * {@code If-Match} by the native API, which reads it. A {@code Transfer-Encoding} naming a coding besides
 * {@code chunked} ({@code gzip, chunked}) is 501: Jetty would take the body as if only chunked, handing gzip bytes on
 * as the body; one on an HTTP/1.0 request, where no transfer coding exists, is 400 (RFC 9112, 6.1: the framing is
 * faulty). The connection is closed after the answer (a body may be left unread). Thread-safe (immutable).
 */
final class SingleHeaders extends Handler.Wrapper {

    /**
     * The headers a request sends once at most, as their names are written: each is read as one value by something
     * that decides what the request may do or what it is answered (at most 32, one bit each below); those Jetty
     * knows by an enum first, in the order {@link #single} tests them.
     */
    static final List<String> SINGLE = List.of("Authorization", "Content-Type", "Origin", "Sec-Fetch-Site",
            "X-TZ-Offset");

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int seen = 0;
        int repeated = 0;
        String coding = null;
        boolean transferCoded = false;
        for (HttpField field : request.getHeaders()) {
            int single = single(field);
            if (single >= 0) {
                repeated |= seen & 1 << single;
                seen |= 1 << single;
            } else if (field.getHeader() == HttpHeader.TRANSFER_ENCODING) {
                transferCoded = true;
                for (String value : field.getValues()) {
                    if (coding == null && !value.isBlank() && !value.strip().equalsIgnoreCase("chunked")) {
                        coding = value.strip();
                    }
                }
            }
        }
        if (repeated != 0) {
            String name = SINGLE.get(Integer.numberOfTrailingZeros(repeated));
            return refuse(request, response, callback, HttpStatus.BAD_REQUEST_400, "the request carries "
                    + request.getHeaders().getValuesList(name).size() + " " + name + " headers; send one");
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

    /**
     * The index of {@code field}'s name in {@link #SINGLE}, or -1: by Jetty's header enum for the names it knows
     * (every request passes here, with a dozen headers, most of them known), by name for the others.
     */
    private static int single(HttpField field) {
        HttpHeader header = field.getHeader();
        if (header != null) {
            return header == HttpHeader.AUTHORIZATION ? 0 : header == HttpHeader.CONTENT_TYPE ? 1
                    : header == HttpHeader.ORIGIN ? 2 : -1;
        }
        for (int i = 3; i < SINGLE.size(); i++) {
            if (field.is(SINGLE.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean refuse(Request request, Response response, Callback callback, int status, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        Response.writeError(request, response, callback, status, message);
        return true;
    }
}
