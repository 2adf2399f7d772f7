package dev.gatehouse.http;

import org.slf4j.MDC;

/**
 * The logging context of the request a thread is serving: the organization it addresses, as {@code org_id} in
 * the MDC, so that every line logged while serving it names the organization (it is never a metric label). Each
 * dialect sets it where it learns the organization — the native API from its path, Rooms from the account, Close
 * (and any member key) from the key's organization — and {@link HttpServer} clears it before and after every
 * request. Thread-confined, as the MDC is.
 */
public final class LogContext {

    /** The MDC key of the organization a request addresses. */
    public static final String ORG_ID = "org_id";

    private LogContext() {
    }

    /** The request addresses organization {@code orgId}. */
    public static void org(long orgId) {
        MDC.put(ORG_ID, Long.toString(orgId));
    }

    /** The request acts in {@code orgId}, unless it named the organization it addresses already. */
    static void orgUnlessNamed(long orgId) {
        if (MDC.get(ORG_ID) == null) {
            org(orgId);
        }
    }

    /** The request is over (or about to start): forgets its organization. */
    static void clear() {
        MDC.remove(ORG_ID);
    }
}
