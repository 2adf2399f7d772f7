package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.Events.EventQuery;
import java.io.ByteArrayInputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad arguments are refused before any request, by messages naming them: an empty id would otherwise send a path
 * ending in the collection's slash ({@code GET /v1/models/}), a blank user id name nobody, a null list or list
 * element end in a bare {@link NullPointerException}. The client points at a port nobody listens on: nothing is sent.
 */
class ClientArgumentsTest {

    private final GatehouseClient client = GatehouseClient.builder().url("http://127.0.0.1:1").key("k")
            .retry(RetryPolicy.none()).build();

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void emptyIds_areRefusedNamingThem() {
        assertThatThrownBy(() -> client.models().get("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must not be empty");
        assertThatThrownBy(() -> client.replicaKeys().revoke("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyId must not be empty");
        assertThatThrownBy(() -> client.org(1).keys().revoke(MemberRef.user("u"), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("keyId must not be empty");
        assertThatThrownBy(() -> client.models().get(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must not be null");
    }

    /**
     * A key a header cannot carry is refused when it is given, without showing it: it once failed at the first
     * request, as a header error quoting the whole secret (a key read from a file with Windows line endings).
     */
    @Test
    void aKeyAHeaderCannotCarry_isRefusedWithoutShowingIt() {
        for (String key : new String[] {"gh_secret-123\r", "gh_secret\n123", "gh secret", "ключ-gh_secret"}) {
            assertThatThrownBy(() -> GatehouseClient.builder().url("http://127.0.0.1:1").key(key))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visible ASCII")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .doesNotContain("secret"));
            assertThatThrownBy(() -> GatehouseReplica.builder().url("http://127.0.0.1:1").key(key))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visible ASCII");
        }
    }

    @Test
    void blankEventFilters_areRefusedNamingThem() {
        assertThatThrownBy(() -> EventQuery.newestFirst().objectTypes("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("objectTypes[0] must not be blank");
        assertThatThrownBy(() -> EventQuery.newestFirst().actions("created", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("actions[1] must not be blank");
    }

    @Test
    void nullCollections_areRefusedNamingThem() {
        assertThatThrownBy(() -> client.org(1).decisions().checkAll(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checks must not be null");
        assertThatThrownBy(() -> client.org(1).decisions().visible(MemberRef.user("u"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("recordFields must not be null");
        assertThatThrownBy(() -> client.org(1).members().setGrants(MemberRef.user("u"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("permissions must not be null");
    }

    /** docs/client.md: null arguments are refused with IllegalArgumentException naming them (they were NPEs). */
    @Test
    void nullArguments_areRefusedNamingThem() {
        assertThatThrownBy(() -> MemberRef.user(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userId must not be null");
        assertThatThrownBy(() -> ResourceRef.of(null, "r1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("type must not be null");
        assertThatThrownBy(() -> ResourceRef.of("doc", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must not be null");
        assertThatThrownBy(() -> Decisions.Check.of(null, "doc.read")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("member must not be null");
        assertThatThrownBy(() -> Members.NewMember.internal(null, "a@example.com", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("userId must not be null");
        assertThatThrownBy(() -> client.org(1).groups().create(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be null");
        assertThatThrownBy(() -> client.org(1).decisions().check(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("check must not be null");
        assertThatThrownBy(() -> Roles.RoleInput.of(null, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name must not be null");
    }

    /** A null element of a list argument is named by its place: it once was an NPE naming nothing. */
    @Test
    void nullElements_areRefusedNamingTheirPlace() {
        Decisions.Check check = Decisions.Check.of(MemberRef.user("u"), "doc.read");
        assertThatThrownBy(() -> client.org(1).decisions().checkAll(java.util.Arrays.asList(check, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("checks[1] must not be null");
        assertThatThrownBy(() -> Roles.RoleInput.of("x", java.util.Arrays.asList("canCreateRooms", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("permissions[1] must not be null");
        assertThatThrownBy(() -> client.org(1).members().setGrants(MemberRef.user("u"),
                java.util.Arrays.asList(null, "doc.read")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("permissions[0] must not be null");
        assertThatThrownBy(() -> client.org(1).decisions().visible(MemberRef.user("u"),
                Map.of("owner_id", java.util.Arrays.asList("u", null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("recordFields[owner_id][1] must not be null");
        assertThatThrownBy(() -> Webhooks.WebhookInput.changes().withFilter(java.util.Arrays.asList("role", null),
                null)).isInstanceOf(IllegalArgumentException.class).hasMessage("objectTypes[1] must not be null");
        assertThatThrownBy(() -> Offices.OfficeInput.changes().clearing(Offices.Field.PHONE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("fields[1] must not be null");
    }

    @Test
    void blankUserIds_areRefusedNamingThem() {
        assertThatThrownBy(() -> MemberRef.user(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userId must not be blank, got \" \"");
        assertThatThrownBy(() -> MemberRef.user("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userId must not be blank, got \"\"");
        assertThatThrownBy(() -> new MemberRef(null, "\t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("userId must not be blank");
    }

    @Test
    void nullEventFilters_areRefusedNamingThem() {
        assertThatThrownBy(() -> EventQuery.newestFirst().objectTypes((String) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("objectTypes[0] must not be null");
        assertThatThrownBy(() -> EventQuery.newestFirst().objectTypes((String[]) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("objectTypes must not be null");
        assertThatThrownBy(() -> EventQuery.newestFirst().objectIds("r1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("objectIds[1] must not be null");
        assertThatThrownBy(() -> EventQuery.newestFirst().actions((String) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("actions[0] must not be null");
    }

    @Test
    void baseUrls_withAQueryAFragmentOrUserInfo_areRefused() {
        // the paths were appended after them: http://host:8080?x=1 + /v1/orgs asked for "/" with the query x=1/v1/orgs
        assertThatThrownBy(() -> GatehouseClient.builder().url("http://127.0.0.1:8080?x=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a query or fragment")
                .hasMessageContaining("\"http://127.0.0.1:8080?x=1\"");
        assertThatThrownBy(() -> GatehouseReplica.builder().url("http://127.0.0.1:8080/#top"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a query or fragment");
        assertThatThrownBy(() -> GatehouseClient.builder().url("http://ada:s3cret@127.0.0.1:8080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not carry user info")
                .message().doesNotContain("s3cret");
        GatehouseClient.builder().url("https://example.com/gatehouse/");
    }

    @Test
    void baseUrls_withAPortOutOfRange_orEndingInTheApisV1_areRefused() {
        // the HTTP client said "port out of range:99999" at the first request; /v1 asked for /v1/v1/orgs (404)
        for (String port : List.of("http://127.0.0.1:99999", "http://127.0.0.1:0", "http://127.0.0.1:",
                "https://example.com:/gatehouse")) {
            assertThatThrownBy(() -> GatehouseClient.builder().url(port)).as(port)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("url must have a port from 1 to 65535, got ");
        }
        assertThatThrownBy(() -> GatehouseClient.builder().url("http://127.0.0.1:8080/v1/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url must be the deployment's base URL, without the API's /v1 (it is added to each "
                        + "request), got \"http://127.0.0.1:8080/v1/\": use \"http://127.0.0.1:8080\"");
        assertThatThrownBy(() -> GatehouseReplica.builder().url("https://example.com/gatehouse/v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use \"https://example.com/gatehouse\"");
        GatehouseClient.builder().url("http://127.0.0.1:65535/v1x");
    }

    @Test
    void baseUrls_withDotSegments_areRefused() {
        // sent as written: http://host/x/.. asked for /x/../v1/orgs, answered 404 (and was what the /v1 refusal advised)
        for (String dots : List.of("http://127.0.0.1:8080/x/..", "http://127.0.0.1:8080/x/../v1", "http://h/./g",
                "http://h/g/.", "http://h/a/../b/", "http://h/%2E%2e/x")) {
            assertThatThrownBy(() -> GatehouseClient.builder().url(dots)).as(dots)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("url must not hold \".\" or \"..\" path segments, got \"" + dots + "\"");
        }
        GatehouseClient.builder().url("http://127.0.0.1:8080/x.y/..z/.../a//b//");
    }

    @Test
    void baseUrls_takeTheirSchemeInAnyCase_andLoseEveryTrailingSlash() {
        // RFC 3986: a scheme is case-insensitive; every request path starts with "/" and is appended to the base
        assertThat(GatehouseClient.Builder.baseUrl("HTTP://127.0.0.1:19201")).hasToString("http://127.0.0.1:19201");
        assertThat(GatehouseClient.Builder.baseUrl("hTTpS://example.com/gatehouse///"))
                .hasToString("https://example.com/gatehouse");
        assertThat(GatehouseClient.Builder.baseUrl("http://127.0.0.1:8080//")).hasToString("http://127.0.0.1:8080");
        GatehouseClient.builder().url("HTTPS://example.com");
        GatehouseReplica.builder().url("Http://example.com/");
        for (String noHttp : List.of("ftp://example.com", "127.0.0.1:8080", "localhost:8080", "http:/x")) {
            assertThatThrownBy(() -> GatehouseClient.builder().url(noHttp)).as(noHttp)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("url must start with http:// or https://, got \"" + noHttp + "\"");
        }
    }

    @Test
    void anOrganizationsImport_refusesAnOrganizationToResumeIn() {
        // sent, it would fail to connect instead: the refusal comes first
        assertThatThrownBy(() -> client.org(7).bulk().importFrom(new ByteArrayInputStream(new byte[0]),
                ImportOptions.defaults().resumingAt(4, 12))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orgId 12 is for the deployment's import (GatehouseClient.bulk()); the import of "
                        + "/v1/orgs/7 writes into that organization only");
        assertThatThrownBy(() -> new ImportOptions(null, 4L, 0L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orgId must be positive, got 0");
    }

    @Test
    void resumingAfterAFailureThatIsNoImportLine_isRefused() {
        GatehouseException notFound = Problem.of(404, HttpHeaders.of(Map.of(), (name, value) -> true),
                "{\"code\": \"not_found\", \"detail\": \"no such organization\"}".getBytes(StandardCharsets.UTF_8))
                .exception();
        assertThatThrownBy(() -> ImportOptions.defaults().resumingAfter(notFound))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a failed import's line (its problem has no resume_from_line): HTTP 404 not_found: "
                        + "no such organization");
    }

    /**
     * A null resource, an id the server refuses (ids are positive, as an organization's is) and a negative revision
     * are refused alike, wherever they are given: {@code Check.on(null)} was taken for the organization-wide check,
     * {@code MemberRef.id(0)} sent, {@code observeRevision(-5)} ignored while {@code Builder.revision(-1)} threw.
     */
    @Test
    void nullResources_nonPositiveMemberIds_andNegativeRevisions_areRefusedNamingThem() {
        Decisions.Check check = Decisions.Check.of(MemberRef.user("u"), "p");
        assertThatThrownBy(() -> check.on((ResourceRef) null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource must not be null");
        for (long id : new long[] {0, -3}) {
            assertThatThrownBy(() -> MemberRef.id(id)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("memberId must be positive, got " + id);
        }
        assertThat(MemberRef.id(1).memberId()).isEqualTo(1L);
        assertThatThrownBy(() -> client.observeRevision(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("revision must be >= 0, got -5");
        assertThatThrownBy(() -> GatehouseClient.builder().revision(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("revision must be >= 0, got -5");
        client.observeRevision(0);
        assertThat(client.revision()).isZero();
    }
}
