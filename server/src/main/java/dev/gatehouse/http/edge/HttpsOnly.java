package dev.gatehouse.http.edge;

import dev.gatehouse.http.Dialect;
import dev.gatehouse.http.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

/**
 * The first bytes on the HTTPS port: a TLS handshake goes on to TLS; anything else — plain HTTP sent to the HTTPS
 * port, the usual mistake — is answered with one 400 {@code https_required} in words (the native problem shape: no
 * request has been read to tell its dialect) and the connection closed, where TLS alone answers with an alert no
 * HTTP client shows. Nothing is served over the plain bytes. Immutable.
 */
final class HttpsOnly extends DetectorConnectionFactory {

    private static final byte[] ANSWER = answer();

    HttpsOnly(SslConnectionFactory tls) {
        super(tls);
    }

    private static byte[] answer() {
        Dialect.ErrorReply reply = Problem.reply(400, "https_required", "this port speaks HTTPS only: send the "
                + "request with https://, or to the server's HTTP port", Map.of(), Map.of());
        byte[] body = reply.body();
        byte[] head = ("HTTP/1.1 400 Bad Request\r\nContent-Type: " + reply.contentType() + "\r\nContent-Length: "
                + body.length + "\r\nCache-Control: no-store\r\n" + EdgeConnectionFactory.NOSNIFF.getName() + ": "
                + EdgeConnectionFactory.NOSNIFF.getValue() + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[head.length + body.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    /** Bytes that are no TLS handshake: answered, then the connection closed. */
    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(ANSWER));
    }
}
