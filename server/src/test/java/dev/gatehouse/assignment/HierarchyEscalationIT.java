package dev.gatehouse.assignment;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An assignment write is judged by what it changes in the role that decides for the member — its own role on the
 * resource, else its role on the nearest ancestor holding one, else its company role where the type inherits it —
 * not by the role written alone: removing a restriction lets an ancestor's role or the company role decide again
 * (a gain the caller must hold, even on itself), and giving a role, even an empty one, overrides them (a loss the
 * caller must hold, and, over a company role, the member must not outrank it). A change of the hierarchy — a resource
 * recorded under a parent, moved, taken to the top or deleted — is judged by the same rule for the members holding no
 * role on it. The model: drive > folder > doc, docs inheriting the company role; "mgr" (Manager: doc.view,
 * assign.manage) may manage assignments. A role whose end has come decides no more, though the expiry job has not
 * yet removed it: the writes of {@link #ahead}, whose clock passes ends no other node's has reached and whose expiry
 * job does not run, meet such roles.
 */
class HierarchyEscalationIT {

    private static final String MODEL = """
            {"id": "hier-escalation", "name": "Hierarchy", "categories": [{"key": "d", "name": "D"}],
             "permissions": [{"key": "doc.view", "category": "d", "scopes": ["organization", "drive", "folder", "doc"]},
                             {"key": "doc.delete", "category": "d", "scopes": ["drive", "folder", "doc"]},
                             {"key": "members.manage", "category": "d"}, {"key": "assign.manage", "category": "d"},
                             {"key": "roles.manage", "category": "d"}],
             "resource_types": [{"key": "drive", "name": "Drive"},
                                {"key": "folder", "name": "Folder", "parent_type": "drive"},
                                {"key": "doc", "name": "Doc", "inherits_company_role": true, "parent_type": "folder"}],
             "system_roles": [{"key": "admin", "name": "Admin", "permissions": ["doc.view", "doc.delete",
                                "members.manage", "assign.manage", "roles.manage"], "default_for_admin": true},
                              {"key": "manager", "name": "Manager", "permissions": ["doc.view", "assign.manage"]}],
             "management": {"roles": "roles.manage", "members": "members.manage", "assignments": "assign.manage"}}
            """;

    static TestNode node;
    static Fixtures fx;
    /** The clock of {@link #ahead}, moved past ends the system clock of {@link #node} has not reached. */
    static final TestClock aheadClock = new TestClock().freeze();
    /** A node on {@link #node}'s database whose expiry job does not run: its writes meet ended roles still stored. */
    static TestNode ahead;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(MODEL)).status()).isEqualTo(201);
        assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(TIMED_MODEL)).status()).isEqualTo(201);
        // stopped before its clock is moved past any end: its first run would come a second after its start
        ahead = TestNode.startOn(node.databaseUrl(), UnaryOperator.identity(), aheadClock);
        ahead.node().expiry().close();
    }

    @AfterAll
    static void stop() {
        ahead.close();
        node.close();
    }

    /** An organization with drive "team" > folder "legal" > doc "contract", a Deleter and an empty role. */
    record Drive(Fixtures.Org org, long deleter, long empty, long managerRole, long mgr, Http mgrKey) {
        String assignment(String type, String id, long member) {
            return org.path() + "/resources/" + type + "/" + id + "/assignments/" + member;
        }

        /** Whether {@code member} may delete the contract, as the engine decides once every write is applied. */
        boolean deletes(long member, long revision) {
            Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", member,
                    "permission", "doc.delete", "resource", Map.of("type", "doc", "id", "contract"),
                    "min_revision", revision));
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            return res.get("allowed").booleanValue();
        }
    }

    static Drive drive() {
        var org = fx.org("hier-escalation");
        Http api = node.service();
        long deleter = fx.role(org, "Deleter", List.of("doc.view", "doc.delete"));
        long empty = fx.role(org, "NoAccess", List.of());
        long managerRole = fx.roleId(org, "Manager");
        long mgr = fx.member(org, "mgr", managerRole);
        assertThat(api.put(org.path() + "/resources/drive/team", Map.of()).status()).isEqualTo(201);
        assertThat(api.put(org.path() + "/resources/folder/legal", Map.of("parent", Map.of("type", "drive",
                "id", "team"))).status()).isEqualTo(201);
        assertThat(api.put(org.path() + "/resources/doc/contract", Map.of("parent", Map.of("type", "folder",
                "id", "legal"))).status()).isEqualTo(201);
        return new Drive(org, deleter, empty, managerRole, mgr, fx.keyFor(org, mgr));
    }

    /** The service key gives a role; returns the revision written. */
    static long give(Drive d, String type, String id, long member, long role) {
        Http.Res res = node.service().put(d.assignment(type, id, member), Map.of("role_id", role));
        assertThat(res.status()).as("%s", res).isIn(200, 201);
        return res.revision();
    }

    static void refused(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo("privilege_escalation");
    }

    /**
     * The admin lets mgr delete in drive "team" except in folder "legal" (an empty role there). mgr may not give
     * itself Deleter on legal, and so may not remove its own restriction either, which would let the drive's Deleter
     * decide there and beneath; nor preview that removal, nor end the restriction by giving it an end.
     */
    @Test
    void removingOwnRestriction_refusedWhenItGainsWhatItCouldNotGive() {
        Drive d = drive();
        give(d, "drive", "team", d.mgr(), d.deleter());
        long revision = give(d, "folder", "legal", d.mgr(), d.empty());

        refused(d.mgrKey().put(d.assignment("folder", "legal", d.mgr()), Map.of("role_id", d.deleter())));
        refused(d.mgrKey().delete(d.assignment("folder", "legal", d.mgr())));
        Map<String, Object> removal = new HashMap<>(Map.of("resource", Map.of("type", "folder",
                "id", "legal"), "member_id", d.mgr()));
        removal.put("role_id", null);
        refused(d.mgrKey().post(d.org().path() + "/preview", Map.of("assignment", removal)));
        refused(d.mgrKey().put(d.assignment("folder", "legal", d.mgr()), Map.of("role_id", d.empty(),
                "expires_at", Instant.now().plus(1, ChronoUnit.HOURS).toString())));
        assertThat(d.deletes(d.mgr(), revision)).isFalse();

        // giving up a role that gains nothing stays free: beneath it, legal's empty role decides
        give(d, "doc", "contract", d.mgr(), d.empty());
        Http.Res dropped = d.mgrKey().delete(d.assignment("doc", "contract", d.mgr()));
        assertThat(dropped.status()).as("%s", dropped).isEqualTo(204);
        // and so does giving up all of them at once: its company role, which grants no doc.delete, decides then
        Http.Res all = d.mgrKey().delete(d.org().path() + "/members/" + d.mgr() + "/assignments");
        assertThat(all.status()).as("%s", all).isEqualTo(200);
        assertThat(d.deletes(d.mgr(), all.revision())).isFalse();
    }

    /**
     * Keeping a member's restriction for longer — its end lifted or moved later — takes away, from that end on, what
     * the role above would have given again: refused to a caller lacking it, in words saying what the write does and
     * from when (it said "replacing a role", naming no time), through a put, its preview and an import line alike.
     */
    @Test
    void liftingOrPostponingTheEndOfARestriction_isRefused_sayingSoAndFromWhen() {
        Drive d = drive();
        long vic = fx.member(d.org(), "vic", d.managerRole());
        give(d, "folder", "legal", vic, d.deleter());
        Instant end = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Http.Res restricted = node.service().put(d.assignment("doc", "contract", vic), Map.of("role_id", d.empty(),
                "expires_at", end.toString()));
        assertThat(restricted.status()).as("%s", restricted).isIn(200, 201);

        Map<String, Object> lifted = new HashMap<>(Map.of("role_id", d.empty()));
        lifted.put("expires_at", null);
        Map<String, Object> later = Map.of("role_id", d.empty(), "expires_at", end.plus(1, ChronoUnit.HOURS).toString());
        for (Map<String, Object> body : List.of(lifted, later)) {
            Http.Res res = d.mgrKey().put(d.assignment("doc", "contract", vic), body);
            refused(res);
            assertThat(res.get("detail").stringValue()).as("%s", res)
                    .startsWith("lifting or postponing the end of a role on doc contract is refused")
                    .contains("would lose [doc.delete]").contains("after its own role there ends at " + end);
        }
        Http.Res line = d.mgrKey().raw("POST", d.org().path() + "/import", Json.writeString(Map.of("type",
                "assignment", "resource", Map.of("type", "doc", "id", "contract"), "user_id", "vic", "role_id",
                d.empty())) + "\n", "application/x-ndjson");
        assertThat(line.status()).as("%s", line).isEqualTo(403);
        assertThat(line.get("detail").stringValue()).contains("lifting or postponing the end of a role on doc contract");
    }

    /**
     * A management permission a model lets apply on a resource too: a role holding it there lets a check on that
     * resource answer yes, yet managing is judged by the company role and grants alone, and the refusal says so
     * rather than deny what the check answered.
     */
    @Test
    void aManagementPermissionHeldOnAResourceOnly_isRefused_sayingWhereItMustComeFrom() {
        assertThat(node.service().post("/v1/models", Json.MAPPER.readTree("""
                {"id": "scoped-manage", "name": "Scoped", "categories": [{"key": "d", "name": "D"}],
                 "permissions": [{"key": "doc.view", "category": "d", "scopes": ["organization", "drive"]},
                                 {"key": "manage", "category": "d", "scopes": ["organization", "drive"]}],
                 "resource_types": [{"key": "drive", "name": "Drive"}],
                 "system_roles": [{"key": "admin", "name": "Admin", "permissions": ["doc.view", "manage"],
                                   "default_for_admin": true}],
                 "management": {"roles": "manage", "members": "manage", "assignments": "manage"}}
                """)).status()).isEqualTo(201);
        var org = fx.org("scoped-manage");
        long empty = fx.role(org, "Empty", List.of());
        long low = fx.member(org, "low", empty);
        long boss = fx.member(org, "boss", empty);
        Http.Res held = node.service().put(org.path() + "/resources/drive/d1/assignments/" + low,
                Map.of("role_id", fx.roleId(org, "Admin")));
        assertThat(held.status()).as("%s", held).isIn(200, 201);
        Http.Res check = node.service().post(org.path() + "/check", Map.of("member_id", low, "permission", "manage",
                "resource", Map.of("type", "drive", "id", "d1"), "min_revision", held.revision()));
        assertThat(check.get("allowed").booleanValue()).as("%s", check).isTrue();

        Http.Res refused = fx.keyFor(org, low).put(org.path() + "/resources/drive/d1/assignments/" + boss,
                Map.of("role_id", empty));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.get("detail").stringValue()).contains("needs the permission \"manage\"",
                "from its company role or grants (a role held on a resource does not count)");
    }

    /** The same restriction on another member: removing it hands that member the drive's Deleter on legal. */
    @Test
    void removingAnothersRestriction_refusedWhenItGivesWhatTheCallerLacks() {
        Drive d = drive();
        long owner = fx.member(d.org(), "owner", d.managerRole());
        give(d, "drive", "team", owner, d.deleter());
        long revision = give(d, "folder", "legal", owner, d.empty());

        refused(d.mgrKey().delete(d.assignment("folder", "legal", owner)));
        refused(d.mgrKey().delete(d.org().path() + "/resources/folder/legal/assignments"));
        assertThat(d.deletes(owner, revision)).isFalse();
    }

    /**
     * mgr may not remove owner's Deleter on the drive, so it may not take it away on a folder beneath either, by
     * giving owner an empty role there that overrides it.
     */
    @Test
    void emptyRoleOnDescendant_refusedWhenItTakesWhatTheCallerLacks() {
        Drive d = drive();
        long owner = fx.member(d.org(), "owner", d.managerRole());
        long revision = give(d, "drive", "team", owner, d.deleter());

        refused(d.mgrKey().delete(d.assignment("drive", "team", owner)));
        refused(d.mgrKey().put(d.assignment("folder", "legal", owner), Map.of("role_id", d.empty())));
        refused(d.mgrKey().raw("POST", "/v1/orgs/" + d.org().id() + "/import", "{\"type\": \"assignment\", "
                + "\"resource\": {\"type\": \"folder\", \"id\": \"legal\"}, \"user_id\": \"owner\", "
                + "\"role\": \"NoAccess\"}\n", "application/x-ndjson"));
        assertThat(d.deletes(owner, revision)).isTrue();

        // what mgr holds itself it may take away: an empty role over a Viewer on the drive
        long viewer = fx.role(d.org(), "Viewer", List.of("doc.view"));
        long peer = fx.member(d.org(), "peer", d.managerRole());
        give(d, "drive", "team", peer, viewer);
        Http.Res narrowed = d.mgrKey().put(d.assignment("folder", "legal", peer), Map.of("role_id", d.empty()));
        assertThat(narrowed.status()).as("%s", narrowed).isEqualTo(200);
    }

    /**
     * An empty role on a drive overrides, on the docs beneath, the company role: mgr may not so strip the
     * organization's admin of what its Admin role grants there, but may a peer whose company role it holds all of.
     */
    @Test
    void emptyRoleOverridingAdminsCompanyRole_refused() {
        Drive d = drive();
        long admin = d.org().adminId();

        refused(d.mgrKey().put(d.assignment("drive", "team", admin), Map.of("role_id", d.empty())));
        refused(d.mgrKey().put(d.assignment("doc", "contract", admin), Map.of("role_id", d.empty())));
        Http.Res check = node.service().post(d.org().path() + "/check", Map.of("member_id", admin,
                "permission", "doc.view", "resource", Map.of("type", "doc", "id", "contract")));
        assertThat(check.get("allowed").booleanValue()).as("%s", check).isTrue();

        long peer = fx.member(d.org(), "peer", d.managerRole());
        Http.Res narrowed = d.mgrKey().put(d.assignment("drive", "team", peer), Map.of("role_id", d.empty()));
        assertThat(narrowed.status()).as("%s", narrowed).isEqualTo(200);
    }

    /** An import's delete line is judged as the removal it stands for. */
    @Test
    void importDeleteLine_removingOwnRestriction_refused() {
        Drive d = drive();
        give(d, "drive", "team", d.mgr(), d.deleter());
        long revision = give(d, "folder", "legal", d.mgr(), d.empty());

        Http.Res res = d.mgrKey().raw("POST", "/v1/orgs/" + d.org().id() + "/import", "{\"type\": \"assignment\", "
                + "\"op\": \"delete\", \"resource\": {\"type\": \"folder\", \"id\": \"legal\"}, \"user_id\": \"mgr\"}\n",
                "application/x-ndjson");
        refused(res);
        assertThat(d.deletes(d.mgr(), revision)).isFalse();
    }

    static Http.Res importing(Drive d, String... lines) {
        return d.mgrKey().raw("POST", "/v1/orgs/" + d.org().id() + "/import", String.join("\n", lines) + "\n",
                "application/x-ndjson");
    }

    static String parentOf(Drive d, String type, String id) {
        Http.Res res = node.service().get(d.org().path() + "/resources/" + type + "/" + id);
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return res.get("parent").isNull() ? null : res.get("parent").get("id").stringValue();
    }

    /**
     * mgr may not remove its own restriction on legal (above), so it may not do so by moving legal out of the drive,
     * removing the restriction there (which gains it nothing at the top) and moving legal back: the move back lets
     * the drive's Deleter decide on legal and beneath in place of its company role.
     */
    @Test
    void movingOutRemovingOwnRestrictionAndMovingBack_refused() {
        Drive d = drive();
        give(d, "drive", "team", d.mgr(), d.deleter());
        give(d, "folder", "legal", d.mgr(), d.empty());
        String legal = d.org().path() + "/resources/folder/legal";

        Http.Res out = d.mgrKey().put(legal, Map.of());
        assertThat(out.status()).as("%s", out).isEqualTo(200);
        Http.Res removed = d.mgrKey().delete(d.assignment("folder", "legal", d.mgr()));
        assertThat(removed.status()).as("%s", removed).isEqualTo(204);
        refused(d.mgrKey().put(legal, Map.of("parent", Map.of("type", "drive", "id", "team"))));
        assertThat(parentOf(d, "folder", "legal")).isNull();
        assertThat(d.deletes(d.mgr(), removed.revision())).isFalse();
    }

    /** The same three steps as one import, each line judged against the state the lines before it left. */
    @Test
    void importMovingOutRemovingOwnRestrictionAndMovingBack_refused() {
        Drive d = drive();
        give(d, "drive", "team", d.mgr(), d.deleter());
        long revision = give(d, "folder", "legal", d.mgr(), d.empty());

        refused(importing(d,
                "{\"type\": \"resource\", \"resource\": {\"type\": \"folder\", \"id\": \"legal\"}, \"parent\": null}",
                "{\"type\": \"assignment\", \"op\": \"delete\", "
                        + "\"resource\": {\"type\": \"folder\", \"id\": \"legal\"}, \"user_id\": \"mgr\"}",
                "{\"type\": \"resource\", \"resource\": {\"type\": \"folder\", \"id\": \"legal\"}, "
                        + "\"parent\": {\"type\": \"drive\", \"id\": \"team\"}}"));
        assertThat(parentOf(d, "folder", "legal")).isEqualTo("team");
        assertThat(d.deletes(d.mgr(), revision)).isFalse();
    }

    /**
     * The same with a restriction on the contract, by deleting its record (its roles stay: this gains mgr nothing),
     * removing the restriction and recording the contract again, under a folder of the drive where mgr holds no
     * role: recording a resource under a parent is judged as moving it there.
     */
    @Test
    void importDeletingRemovingOwnRestrictionAndRecordingAgain_refused() {
        Drive d = drive();
        give(d, "drive", "team", d.mgr(), d.deleter());
        assertThat(node.service().put(d.org().path() + "/resources/folder/archive", Map.of("parent",
                Map.of("type", "drive", "id", "team"))).status()).isEqualTo(201);
        long revision = give(d, "doc", "contract", d.mgr(), d.empty());
        refused(importing(d,
                "{\"type\": \"resource\", \"op\": \"delete\", "
                        + "\"resource\": {\"type\": \"doc\", \"id\": \"contract\"}}",
                "{\"type\": \"assignment\", \"op\": \"delete\", "
                        + "\"resource\": {\"type\": \"doc\", \"id\": \"contract\"}, \"user_id\": \"mgr\"}",
                "{\"type\": \"resource\", \"resource\": {\"type\": \"doc\", \"id\": \"contract\"}, "
                        + "\"parent\": {\"type\": \"folder\", \"id\": \"archive\"}}"));
        assertThat(parentOf(d, "doc", "contract")).isEqualTo("legal");
        assertThat(d.deletes(d.mgr(), revision)).isFalse();
    }

    /**
     * Moving legal out of the drive, or deleting the contract's record, lets owner's company role decide there in
     * place of its Deleter on the drive: mgr, without doc.delete, may not so take it away, by a request or an import
     * line; a service key may. Nor may it hand owner that Deleter on a doc recorded anew in the drive.
     */
    @Test
    void movingDeletingOrRecordingChangingAnothersDriveRole_refused() {
        Drive d = drive();
        long owner = fx.member(d.org(), "owner", d.managerRole());
        long revision = give(d, "drive", "team", owner, d.deleter());

        refused(d.mgrKey().put(d.org().path() + "/resources/folder/legal", Map.of()));
        refused(d.mgrKey().delete(d.org().path() + "/resources/doc/contract"));
        refused(importing(d,
                "{\"type\": \"resource\", \"op\": \"delete\", "
                        + "\"resource\": {\"type\": \"doc\", \"id\": \"contract\"}}"));
        assertThat(parentOf(d, "folder", "legal")).isEqualTo("team");
        assertThat(parentOf(d, "doc", "contract")).isEqualTo("legal");
        assertThat(d.deletes(owner, revision)).isTrue();
        refused(d.mgrKey().put(d.org().path() + "/resources/doc/memo", Map.of("parent",
                Map.of("type", "folder", "id", "legal"))));

        Http.Res deleted = node.service().delete(d.org().path() + "/resources/doc/contract");
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
        assertThat(d.deletes(owner, deleted.revision())).isFalse();
    }

    /**
     * A move that changes no member's deciding role beyond what mgr holds is free: the contract moved to another
     * folder of the drive stays under owner's Deleter, whatever mgr holds — and under temp's until its end, its
     * company role after, either way — and peer, leaving its Viewer on legal for its company role and back, gains
     * and loses only what mgr holds. The judgement is one statement.
     */
    @Test
    void movingWithoutGainOrLossBeyondTheCaller_allowed() {
        Drive d = drive();
        long owner = fx.member(d.org(), "owner", d.managerRole());
        long viewer = fx.role(d.org(), "Viewer", List.of("doc.view"));
        long peer = fx.member(d.org(), "peer", d.managerRole());
        give(d, "drive", "team", owner, d.deleter());
        give(d, "folder", "legal", peer, viewer);
        long temp = fx.member(d.org(), "temp", d.managerRole());
        Http.Res ending = node.service().put(d.assignment("drive", "team", temp), Map.of("role_id", d.deleter(),
                "expires_at", Instant.now().plus(1, ChronoUnit.HOURS).toString()));
        assertThat(ending.status()).as("%s", ending).isIn(200, 201);
        assertThat(node.service().put(d.org().path() + "/resources/folder/archive", Map.of("parent",
                Map.of("type", "drive", "id", "team"))).status()).isEqualTo(201);

        List<String> statements = Statements.of(node, () -> {
            Http.Res moved = d.mgrKey().put(d.org().path() + "/resources/doc/contract", Map.of("parent",
                    Map.of("type", "folder", "id", "archive")));
            assertThat(moved.status()).as("%s", moved).isEqualTo(200);
            assertThat(d.deletes(owner, moved.revision())).isTrue();
        });
        assertThat(statements.stream().filter(s -> s.contains("WITH RECURSIVE chain (side")).count())
                .as(String.join("\n", statements)).isEqualTo(1);

        Http.Res back = d.mgrKey().put(d.org().path() + "/resources/doc/contract", Map.of("parent",
                Map.of("type", "folder", "id", "legal")));
        assertThat(back.status()).as("%s", back).isEqualTo(200);
        assertThat(d.deletes(owner, back.revision())).isTrue();
    }

    /**
     * Only what applies on resources counts as gained or lost there: lead's company role grants members.manage, an
     * organization-only permission (a check of it on a resource is refused), so lifting lead's empty role on the
     * contract, or moving the contract out of the folder where lead holds one, hands lead only doc.view there, which
     * mgr holds; and taking a drive role granting it away on the folder beneath takes away only doc.view. Before,
     * members.manage counted as gained or lost on the resource, and each was refused. A permission that applies
     * there still counts: chief would regain doc.delete.
     */
    @Test
    void organizationOnlyPermissions_areNeitherGainedNorLostOnAResource() {
        Drive d = drive();
        long leadRole = fx.role(d.org(), "Lead", List.of("doc.view", "members.manage"));
        long lead = fx.member(d.org(), "lead", leadRole);
        give(d, "doc", "contract", lead, d.empty());
        Http.Res check = node.service().post(d.org().path() + "/check", Map.of("member_id", lead,
                "permission", "members.manage", "resource", Map.of("type", "doc", "id", "contract")));
        assertThat(check.status()).as("%s", check).isEqualTo(400);

        Http.Res lifted = d.mgrKey().delete(d.assignment("doc", "contract", lead));
        assertThat(lifted.status()).as("%s", lifted).isEqualTo(204);
        give(d, "folder", "legal", lead, d.empty());
        Http.Res moved = d.mgrKey().put(d.org().path() + "/resources/doc/contract", Map.of());
        assertThat(moved.status()).as("%s", moved).isEqualTo(200);
        Http.Res viewing = node.service().post(d.org().path() + "/check", Map.of("member_id", lead,
                "permission", "doc.view", "resource", Map.of("type", "doc", "id", "contract"),
                "min_revision", moved.revision()));
        assertThat(viewing.get("allowed").booleanValue()).as("%s", viewing).isTrue();

        long peer = fx.member(d.org(), "peer", d.managerRole());
        give(d, "drive", "team", peer, leadRole);
        Http.Res narrowed = d.mgrKey().put(d.assignment("folder", "legal", peer), Map.of("role_id", d.empty()));
        assertThat(narrowed.status()).as("%s", narrowed).isEqualTo(200);

        long chiefRole = fx.role(d.org(), "Chief", List.of("doc.view", "doc.delete", "members.manage"));
        long chief = fx.member(d.org(), "chief", chiefRole);
        give(d, "doc", "contract", chief, d.empty());
        Http.Res refused = d.mgrKey().delete(d.assignment("doc", "contract", chief));
        refused(refused);
        assertThat(refused.get("detail").stringValue()).contains("would gain [doc.delete]")
                .doesNotContain("members.manage");
    }

    /**
     * A member whose own role on a moved resource ends is judged for the time after its end, when its role on an
     * ancestor decides there again: q's Viewer on legal ends in two hours, after which the drive's Deleter decides
     * for it on legal; moving legal to the top would take that away, and the refusal says from when. p, whose Viewer
     * there has no end, is not judged.
     */
    @Test
    void movingAResourceWhereAMembersOwnRoleEnds_refusalNamesTheEnd() {
        Drive d = drive();
        long viewer = fx.role(d.org(), "Viewer", List.of("doc.view"));
        long p = fx.member(d.org(), "p", d.managerRole());
        long q = fx.member(d.org(), "q", d.managerRole());
        give(d, "drive", "team", p, d.deleter());
        give(d, "drive", "team", q, d.deleter());
        give(d, "folder", "legal", p, viewer);
        Instant end = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Http.Res ending = node.service().put(d.assignment("folder", "legal", q), Map.of("role_id", viewer,
                "expires_at", end.toString()));
        assertThat(ending.status()).as("%s", ending).isIn(200, 201);

        Http.Res res = d.mgrKey().put(d.org().path() + "/resources/folder/legal", Map.of());
        refused(res);
        assertThat(res.get("detail").stringValue()).contains("member " + q + " would lose [doc.delete] on folder legal",
                "after its own role there ends at " + end);
        assertThat(parentOf(d, "folder", "legal")).isEqualTo("team");
    }

    /**
     * A workspace > folder > doc model where folders inherit the company role: x's company role is Editor (doc.read,
     * doc.edit, doc.delete), and lim's is Limited (assign.manage, doc.read), so lim may take away or hand out doc.read
     * only.
     */
    private static final String TIMED_MODEL = """
            {"id": "aligned-ends", "name": "Aligned ends", "categories": [{"key": "d", "name": "D"}],
             "permissions": [{"key": "doc.read", "category": "d",
                              "scopes": ["organization", "workspace", "folder", "doc"]},
                             {"key": "doc.edit", "category": "d", "scopes": ["workspace", "folder", "doc"]},
                             {"key": "doc.delete", "category": "d", "scopes": ["workspace", "folder", "doc"]},
                             {"key": "members.manage", "category": "d"}, {"key": "assign.manage", "category": "d"},
                             {"key": "roles.manage", "category": "d"}],
             "resource_types": [{"key": "workspace", "name": "Workspace"},
                                {"key": "folder", "name": "Folder", "inherits_company_role": true,
                                 "parent_type": "workspace"},
                                {"key": "doc", "name": "Doc", "parent_type": "folder"}],
             "system_roles": [{"key": "admin", "name": "Admin", "permissions": ["doc.read", "doc.edit", "doc.delete",
                                "members.manage", "assign.manage", "roles.manage"], "default_for_admin": true},
                              {"key": "viewer", "name": "Viewer", "permissions": ["doc.read"]}],
             "management": {"roles": "roles.manage", "members": "members.manage", "assignments": "assign.manage"}}
            """;

    /** An organization of {@link #TIMED_MODEL} with workspace "w" > folder "f", x, and lim with a key. */
    record Workspace(Fixtures.Org org, long viewer, long x, Http limKey) {
        String assignment(String type, String id) {
            return org.path() + "/resources/" + type + "/" + id + "/assignments/" + x;
        }
    }

    static Workspace workspace() {
        Http api = node.service();
        var org = fx.org("aligned-ends");
        long editor = fx.role(org, "Editor", List.of("doc.read", "doc.edit", "doc.delete"));
        long limited = fx.role(org, "Limited", List.of("assign.manage", "doc.read"));
        long x = fx.member(org, "x", editor);
        long lim = fx.member(org, "lim", limited);
        assertThat(api.put(org.path() + "/resources/workspace/w", Map.of()).status()).isEqualTo(201);
        assertThat(api.put(org.path() + "/resources/folder/f", Map.of("parent", Map.of("type", "workspace",
                "id", "w"))).status()).isEqualTo(201);
        return new Workspace(org, fx.roleId(org, "Viewer"), x, fx.keyFor(org, lim));
    }

    /** The service key gives x Viewer on {@code type} {@code id} until {@code end}. */
    static void viewerUntil(Workspace w, String type, String id, Instant end) {
        Http.Res res = node.service().put(w.assignment(type, id), Map.of("role_id", w.viewer(),
                "expires_at", end.toString()));
        assertThat(res.status()).as("%s", res).isIn(200, 201);
    }

    /**
     * Ends are judged moment by moment: with x's Viewer on the workspace until T+2h (its company role Editor after),
     * giving x Viewer on the folder until T+1h, or removing it again, changes nothing at any moment — Viewer on the
     * folder until T+1h, the workspace's Viewer until T+2h, Editor after — so lim, holding doc.read only, may, and
     * may preview it. Before, every role deciding before was judged against every one after, and both were refused
     * as taking away or handing out Editor's doc.edit and doc.delete.
     */
    @Test
    void aRoleEndingBeforeAnAncestorsRoleEnds_changesNothing_andIsAllowed() {
        Workspace w = workspace();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        viewerUntil(w, "workspace", "w", now.plus(2, ChronoUnit.HOURS));
        Map<String, Object> earlier = Map.of("role_id", w.viewer(), "expires_at",
                now.plus(1, ChronoUnit.HOURS).toString());

        Map<String, Object> preview = new HashMap<>(earlier);
        preview.put("resource", Map.of("type", "folder", "id", "f"));
        preview.put("member_id", w.x());
        Http.Res rehearsed = w.limKey().post(w.org().path() + "/preview", Map.of("assignment", preview));
        assertThat(rehearsed.status()).as("%s", rehearsed).isEqualTo(200);
        Http.Res given = w.limKey().put(w.assignment("folder", "f"), earlier);
        assertThat(given.status()).as("%s", given).isIn(200, 201);
        Http.Res removed = w.limKey().delete(w.assignment("folder", "f"));
        assertThat(removed.status()).as("%s", removed).isEqualTo(204);
    }

    /**
     * Where a moment does change, it is still judged: x's Viewer on the folder until T+3h, past the workspace's T+2h,
     * takes away Editor's doc.edit and doc.delete between the two; removing it, once given, hands them back then.
     */
    @Test
    void aRoleEndingAfterAnAncestorsRoleEnds_isRefused_whereAMomentChanges() {
        Workspace w = workspace();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        viewerUntil(w, "workspace", "w", now.plus(2, ChronoUnit.HOURS));
        Map<String, Object> later = Map.of("role_id", w.viewer(), "expires_at",
                now.plus(3, ChronoUnit.HOURS).toString());

        Http.Res given = w.limKey().put(w.assignment("folder", "f"), later);
        refused(given);
        assertThat(given.get("detail").stringValue()).as("%s", given)
                .contains("member " + w.x() + " would lose [doc.edit, doc.delete] on folder f");

        viewerUntil(w, "folder", "f", now.plus(3, ChronoUnit.HOURS));
        Http.Res removed = w.limKey().delete(w.assignment("folder", "f"));
        refused(removed);
        assertThat(removed.get("detail").stringValue()).as("%s", removed)
                .contains("member " + w.x() + " would gain [doc.edit, doc.delete] on folder f");
    }

    /**
     * The service key gives {@code member} {@code role} on {@code type} {@code id} until a day past both clocks' time,
     * then moves {@link #ahead}'s clock past that end: there the role has ended, its row still stored (the expiry job
     * of {@link #node}, on the system clock, does not reach it, and {@link #ahead}'s does not run).
     */
    static void endedOnAhead(Drive d, String type, String id, long member, long role) {
        Instant now = Instant.now();
        Instant end = (aheadClock.instant().isAfter(now) ? aheadClock.instant() : now).plus(Duration.ofDays(1))
                .truncatedTo(ChronoUnit.MILLIS);
        Http.Res res = node.service().put(d.assignment(type, id, member), Map.of("role_id", role,
                "expires_at", end.toString()));
        assertThat(res.status()).as("%s", res).isIn(200, 201);
        aheadClock.advance(Duration.between(aheadClock.instant(), end.plusSeconds(1)));
    }

    /**
     * owner's Deleter on the drive has ended, its row not yet removed by the expiry job: it decides no more, owner's
     * company role (no doc.delete) decides on legal. So mgr, lacking doc.delete, may give owner a Viewer on legal,
     * preview it, remove it again and take legal out of the drive: from now on none of these changes what decides but
     * by doc.view. Before, the ended Deleter was judged as deciding until its end, and each was refused as taking away
     * or handing back its doc.delete.
     */
    @Test
    void anAncestorsRoleEndedButStillStored_decidesNoMore_soWritesChangingNothingFromNowAreAllowed() {
        Drive d = drive();
        long owner = fx.member(d.org(), "owner", d.managerRole());
        long viewer = fx.role(d.org(), "Viewer", List.of("doc.view"));
        endedOnAhead(d, "drive", "team", owner, d.deleter());
        Http mgrKey = new Fixtures(ahead).keyFor(d.org(), d.mgr());

        Map<String, Object> preview = Map.of("assignment", Map.of("resource", Map.of("type", "folder", "id", "legal"),
                "member_id", owner, "role_id", viewer));
        Http.Res rehearsed = mgrKey.post(d.org().path() + "/preview", preview);
        assertThat(rehearsed.status()).as("%s", rehearsed).isEqualTo(200);
        Http.Res given = mgrKey.put(d.assignment("folder", "legal", owner), Map.of("role_id", viewer));
        assertThat(given.status()).as("%s", given).isIn(200, 201);
        Http.Res removed = mgrKey.delete(d.assignment("folder", "legal", owner));
        assertThat(removed.status()).as("%s", removed).isEqualTo(204);
        Http.Res moved = mgrKey.put(d.org().path() + "/resources/folder/legal", Map.of());
        assertThat(moved.status()).as("%s", moved).isEqualTo(200);
        assertThat(parentOf(d, "folder", "legal")).isNull();
    }

    /**
     * Where a role still decides, the write is still judged: keeper's Deleter on legal has ended (still stored), so
     * its Deleter on the drive decides there again. mgr may not give keeper a Viewer on the contract (taking
     * doc.delete away), nor remove keeper's empty role there (handing it back), nor take legal out of the drive —
     * whose refusal names no end of keeper's own role on legal: that end has passed.
     */
    @Test
    void anAncestorsRoleEndedButStillStored_aRoleStillDecidingAboveIt_isJudged() {
        Drive d = drive();
        long keeper = fx.member(d.org(), "keeper", d.managerRole());
        long viewer = fx.role(d.org(), "Viewer", List.of("doc.view"));
        give(d, "drive", "team", keeper, d.deleter());
        endedOnAhead(d, "folder", "legal", keeper, d.deleter());
        Http mgrKey = new Fixtures(ahead).keyFor(d.org(), d.mgr());

        Http.Res given = mgrKey.put(d.assignment("doc", "contract", keeper), Map.of("role_id", viewer));
        refused(given);
        assertThat(given.get("detail").stringValue()).contains("member " + keeper + " would lose [doc.delete]");
        give(d, "doc", "contract", keeper, d.empty());
        Http.Res removed = mgrKey.delete(d.assignment("doc", "contract", keeper));
        refused(removed);
        assertThat(removed.get("detail").stringValue()).contains("member " + keeper + " would gain [doc.delete]");
        Http.Res moved = mgrKey.put(d.org().path() + "/resources/folder/legal", Map.of());
        refused(moved);
        assertThat(moved.get("detail").stringValue())
                .contains("member " + keeper + " would lose [doc.delete] on folder legal")
                .doesNotContain("after its own role there ends");
        assertThat(parentOf(d, "folder", "legal")).isEqualTo("team");
    }
}
