package dev.gatehouse.http.edge;

import dev.gatehouse.http.MetricsAccess;
import java.util.Set;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What each port serves. The management port serves only the operations endpoints ({@link #MANAGEMENT_PATHS});
 * every request is marked with the {@link MetricsAccess} of its port, which the metrics route obeys.
 * Thread-safe (immutable).
 */
final class PortRules extends Handler.Wrapper {

    static final Set<String> MANAGEMENT_PATHS = Set.of("/metrics", "/healthz", "/readyz", "/readyz/writes");

    private final boolean managementPort;

    /** @param managementPort whether a management port exists (then the public ports do not serve metrics) */
    PortRules(boolean managementPort) {
        this.managementPort = managementPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (Edge.MANAGEMENT.equals(request.getConnectionMetaData().getConnector().getName())) {
            if (!MANAGEMENT_PATHS.contains(request.getHttpURI().getCanonicalPath())) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404,
                        "the management port serves only " + String.join(", ", MANAGEMENT_PATHS.stream().sorted()
                                .toList()));
                return true;
            }
            request.setAttribute(MetricsAccess.ATTRIBUTE, MetricsAccess.OPEN);
        } else {
            request.setAttribute(MetricsAccess.ATTRIBUTE, managementPort ? MetricsAccess.HIDDEN
                    : MetricsAccess.SERVICE_KEY);
        }
        return super.handle(request, response, callback);
    }
}
