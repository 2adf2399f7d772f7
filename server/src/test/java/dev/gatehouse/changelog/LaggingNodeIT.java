package dev.gatehouse.changelog;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one database, the second kept behind: its listening connection is cut and it polls only once a
 * minute, so it learns of the first node's writes only when a request's {@code min_revision} makes it read the log.
 * A request that names a revision answers as a node that held it would — including who may ask at all.
 */
class LaggingNodeIT {

    static TestNode writer;
    static TestNode lagging;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        String url = TestDatabase.freshDatabaseUrl();
        writer = TestNode.startOn(url);
        lagging = TestNode.startOn(url, c -> c.withChangeLog(c.changeLog().withPollMillis(60_000)));
        fx = new Fixtures(writer);
    }

    @AfterAll
    static void stop() {
        lagging.close();
        writer.close();
    }

    /**
     * Ends the lagging node's LISTEN connection: it reconnects only after its poll interval, a minute. The writer's
     * ends too, and comes back after its own (200 ms), so its connection is ended again until a moment finds no node
     * listening: on a busy machine the writer was back before the first look, and no such moment came.
     */
    private static void cutOffNotifications() {
        Jdbi jdbi = writer.node().core().store().jdbi();
        Await.until(Duration.ofSeconds(10), "no node listens", () -> {
            jdbi.withHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND application_name = :name")
                    .bind("name", ChangeTailer.APPLICATION_NAME).mapTo(Integer.class).one());
            return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                    + "current_database() AND application_name = :name")
                    .bind("name", ChangeTailer.APPLICATION_NAME).mapTo(Integer.class).one()) == 0;
        });
    }

    @Test
    void aRequestWithMinRevision_isRefused_whenItsKeyWasRevokedAtThatRevision() {
        var org = fx.org("close");
        Http.Res issued = writer.service().post(org.path() + "/members/" + org.adminId() + "/keys",
                Map.of("name", "lagging"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        Http member = lagging.as(issued.get("key").stringValue());
        Map<String, Object> check = Map.of("member_id", org.adminId(), "permission", "manage_organization",
                "min_revision", issued.revision());
        // the lagging node applies the key's issue (a service key's wait makes it read the log), then verifies the key
        // and keeps it in memory
        Http.Res caughtUp = lagging.service().post(org.path() + "/check", check);
        assertThat(caughtUp.status()).as(caughtUp.toString()).isEqualTo(200);
        Http.Res before = member.post(org.path() + "/check", check);
        assertThat(before.status()).as(before.toString()).isEqualTo(200);

        cutOffNotifications();
        Http.Res revoke = writer.service().delete(org.path() + "/members/" + org.adminId() + "/keys/"
                + issued.get("id").stringValue());
        assertThat(revoke.status()).as(revoke.toString()).isBetween(200, 204);
        long revoked = revoke.revision();
        assertThat(lagging.appliedRevision()).as("the lagging node has not applied the revocation").isLessThan(revoked);

        Http.Res checked = member.post(org.path() + "/check", Map.of("member_id", org.adminId(),
                "permission", "manage_organization", "min_revision", revoked));
        assertThat(checked.status()).as(checked.toString()).isEqualTo(401);
        assertThat(checked.get("code").stringValue()).isEqualTo("key_revoked");
        assertThat(checked.header("Gatehouse-Revision")).isNull();
        Http.Res permissions = member.get(org.path() + "/members/" + org.adminId() + "/permissions?min_revision="
                + revoked);
        assertThat(permissions.status()).as(permissions.toString()).isEqualTo(401);
        assertThat(permissions.get("code").stringValue()).isEqualTo("key_revoked");
    }

    @Test
    void aKeyIssuedOnAnotherNode_isJudgedByTheRevisionItsRequestNames() {
        var org = fx.org("close");
        cutOffNotifications();
        long member = fx.member(org, "newcomer", fx.roleId(org, "Admin"));
        Http.Res issued = writer.service().post(org.path() + "/members/" + member + "/keys", Map.of("name", "lagging"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        long revision = issued.revision();
        assertThat(lagging.appliedRevision()).as("the lagging node has not applied the key's issue").isLessThan(revision);
        Http newcomer = lagging.as(issued.get("key").stringValue());
        Map<String, Object> check = Map.of("member_id", member, "permission", "manage_organization");

        // without a revision the node answers from the state it holds, in which the member does not exist yet
        Http.Res unnamed = newcomer.post(org.path() + "/check", check);
        assertThat(unnamed.status()).as(unnamed.toString()).isEqualTo(401);
        assertThat(unnamed.get("code").stringValue()).isEqualTo("key_member_inactive");
        assertThat(unnamed.get("detail").stringValue()).as("it says how to wait for a newer state")
                .contains("min_revision");
        // and a body it cannot read is not read for a caller it refuses
        Http.Res unreadable = newcomer.post(org.path() + "/check", Map.of("permission", 7, "min_revision", revision));
        assertThat(unreadable.status()).as(unreadable.toString()).isEqualTo(401);

        Http.Res checked = newcomer.post(org.path() + "/check", Map.of("member_id", member,
                "permission", "manage_organization", "explain", true, "min_revision", revision));
        assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
        assertThat(checked.get("allowed").booleanValue()).isTrue();
        Http.Res batch = newcomer.post(org.path() + "/check/batch", Map.of("checks", List.of(check),
                "min_revision", revision));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        Http.Res permissions = newcomer.get(org.path() + "/members/" + member + "/permissions?min_revision="
                + revision);
        assertThat(permissions.status()).as(permissions.toString()).isEqualTo(200);
        assertThat(permissions.get("permissions").toString()).contains("manage_organization");
        Http.Res filter = newcomer.get(org.path() + "/members/" + member + "/visibility-filter?min_revision="
                + revision);
        assertThat(filter.status()).as(filter.toString()).isEqualTo(200);

        // a key that no revision knows is still refused
        String forged = issued.get("key").stringValue();
        forged = forged.substring(0, forged.length() - 1) + (forged.endsWith("A") ? "B" : "A");
        Http.Res unknown = lagging.as(forged).post(org.path() + "/check", Map.of("member_id", member,
                "permission", "manage_organization", "min_revision", revision));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(401);
        assertThat(unknown.header("Gatehouse-Revision")).isNull();
    }

    @Test
    void aWriteThatChangesNothing_answersATokenCoveringTheStateItFound() {
        var org = fx.org("close");
        long member = fx.member(org, "unchanged", fx.roleId(org, "Admin"));
        cutOffNotifications();
        Http.Res named = writer.service().patch(org.path() + "/members/" + member, Map.of("first_name", "Ada"));
        assertThat(named.status()).as(named.toString()).isEqualTo(200);
        long revision = named.revision();
        assertThat(lagging.appliedRevision()).as("the lagging node has not applied the change").isLessThan(revision);

        // the same change on the lagging node finds it made already: nothing recorded, yet its token covers it
        Http.Res again = lagging.service().patch(org.path() + "/members/" + member, Map.of("first_name", "Ada"));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.get("version").longValue()).isEqualTo(named.get("version").longValue());
        assertThat(again.revision()).isGreaterThanOrEqualTo(revision);
        Http.Res check = lagging.service().post(org.path() + "/check", Map.of("member_id", member,
                "permission", "manage_organization", "min_revision", again.revision()));
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.get("revision").longValue()).isGreaterThanOrEqualTo(revision);
    }

    /**
     * A read answered from the tables can hold changes the node has not applied yet: its token covers them, so a
     * decision asked with it finds what the read showed (it once carried the older applied revision, and a check
     * about a member just read answered 404).
     */
    @Test
    void aReadOfTheTables_answersATokenCoveringWhatItRead() {
        var org = fx.org("close");
        long role = fx.roleId(org, "Admin");
        cutOffNotifications();
        Http.Res created = writer.service().post(org.path() + "/members", Map.of("user_id", "late", "email",
                "late@example.com", "role_id", role));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(lagging.appliedRevision()).as("the lagging node has not applied the change")
                .isLessThan(created.revision());

        for (String path : List.of("/members/user:late", "/members", "/events")) {
            Http.Res read = lagging.service().get(org.path() + path);
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
            assertThat(read.body()).as(path).contains("late@example.com");
            assertThat(read.revision()).as(path).isGreaterThanOrEqualTo(created.revision());
        }
        Http.Res read = lagging.service().get(org.path() + "/members/user:late");
        Http.Res check = lagging.service().post(org.path() + "/check", Map.of("user_id", "late",
                "permission", "manage_organization", "min_revision", read.revision()));
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.get("allowed").booleanValue()).isTrue();
    }

    /**
     * A model registered on another node, and an organization made with it, are known to every write and export
     * of the lagging node at once: an assignment's write and the deployment's export read the organization's model
     * from the node's registry alone, a 404 {@code model_not_found} (the export broke off at that organization).
     */
    @Test
    void aModelRegisteredOnAnotherNode_servesTheLaggingNodesWritesAndExport() {
        cutOffNotifications();
        Http.Res registered = writer.service().post("/v1/models", Map.of("id", "lagging-docs", "name", "Docs",
                "description", "documents", "external_roles", false,
                "categories", List.of(Map.of("key", "docs", "name", "Docs")),
                "permissions", List.of(Map.of("key", "read", "category", "docs", "description", "read",
                        "scopes", List.of("organization", "doc"))),
                "resource_types", List.of(Map.of("key", "doc", "name", "Doc", "inherits_company_role", false)),
                "system_roles", List.of(Map.of("key", "owner", "name", "Owner", "description", "all",
                        "permissions", List.of("read"), "default_for_admin", true)),
                "management", Map.of("roles", "read", "members", "read", "assignments", "read")));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        Http.Res created = writer.service().post("/v1/orgs", Map.of("name", "Late model", "model", "lagging-docs",
                "admin", Map.of("user_id", "owner", "email", "owner@late.test")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(lagging.appliedRevision()).as("the lagging node has not applied them").isLessThan(created.revision());

        Http.Res assigned = lagging.service().put("/v1/orgs/" + created.get("id").longValue()
                + "/resources/doc/d1/assignments/user:owner", Map.of("role_id",
                created.json().at("/admin_member/role_id").longValue()));
        assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
        Http.Res exported = lagging.service().get("/v1/export");
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.body()).contains("\"model\":\"lagging-docs\"").doesNotContain("model_not_found");
    }
}
