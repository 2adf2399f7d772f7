package dev.gatehouse.http;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Http;
import java.util.List;

/**
 * An {@link Http} whose every exchange is held to openapi.yaml ({@link OpenApiContract}); what departs from it is
 * added to a shared list rather than thrown, so one run reports every mismatch. {@link #expect} is for the
 * scenario's own footing (an id it goes on with): a status other than the one meant stops the scenario.
 *
 * <p>Not thread-safe: the contract and the list are confined to the test's thread.
 */
final class CheckedHttp {

    private final OpenApiContract contract;
    private final Http http;
    private final List<String> mismatches;
    private final boolean documentedRequest;

    CheckedHttp(OpenApiContract contract, Http http, List<String> mismatches) {
        this(contract, http, mismatches, true);
    }

    private CheckedHttp(OpenApiContract contract, Http http, List<String> mismatches, boolean documentedRequest) {
        this.contract = contract;
        this.http = http;
        this.mismatches = mismatches;
        this.documentedRequest = documentedRequest;
    }

    /** The same checks for requests made with another key. */
    CheckedHttp as(Http other) {
        return new CheckedHttp(contract, other, mismatches, documentedRequest);
    }

    /** A copy that also sends a header. */
    CheckedHttp header(String name, String value) {
        return new CheckedHttp(contract, http.header(name, value), mismatches, documentedRequest);
    }

    /** A copy whose requests are bad on purpose: only the answers are held to the document. */
    CheckedHttp badRequest() {
        return new CheckedHttp(contract, http, mismatches, false);
    }

    Http.Res get(String path) {
        return raw("GET", path, null, null);
    }

    Http.Res delete(String path) {
        return raw("DELETE", path, null, null);
    }

    Http.Res post(String path, Object body) {
        return raw("POST", path, body == null ? null : Json.writeString(body), "application/json");
    }

    Http.Res put(String path, Object body) {
        return raw("PUT", path, body == null ? null : Json.writeString(body), "application/json");
    }

    Http.Res patch(String path, Object body) {
        return raw("PATCH", path, body == null ? null : Json.writeString(body), "application/json");
    }

    Http.Res raw(String method, String path, String body, String contentType) {
        Http.Res res = http.raw(method, path, body, contentType);
        mismatches.addAll(contract.check(body, documentedRequest, res.raw(), res.body()));
        return res;
    }

    /** {@code res}, when its status is {@code status}; else the scenario has lost its footing. */
    static Http.Res expect(Http.Res res, int status) {
        if (res.status() != status) {
            throw new AssertionError(res.raw().request().method() + " " + res.raw().request().uri().getRawPath()
                    + ": expected " + status + ", got " + res);
        }
        return res;
    }
}
