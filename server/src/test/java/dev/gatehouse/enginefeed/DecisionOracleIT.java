package dev.gatehouse.enginefeed;

import dev.gatehouse.enginefeed.DecisionOracle.Held;
import dev.gatehouse.enginefeed.DecisionOracle.Member;
import dev.gatehouse.enginefeed.DecisionOracle.Place;
import dev.gatehouse.enginefeed.DecisionOracle.Role;
import dev.gatehouse.enginefeed.OracleQuestions.Question;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized differential test of the decision routes: a seeded random sequence of writes through the native API
 * (roles created, changed and deleted; members added, invited, accepted, moved, deactivated, reactivated and
 * removed; groups; resources placed and moved in two hierarchies; assignments, time-bound ones among them, ended by
 * moving the node's clock; per-member grants; bulk-import lines), and after every write the server's answers —
 * check and check/batch (with and without explanations), effective permissions, both lookups, the visibility
 * filter and check, and now and then a preview of the write about to be made — compared with
 * {@link DecisionOracle}, the documented semantics written out plainly. The answers come in turn from the writing
 * node and from a second node following its changes, and at the end of each sequence from a node whose engine was
 * rebuilt from the tables. Writes the documents refuse (an internal role for an external member, deleting a held
 * role, leaving nobody able to manage roles, …) are expected refused and change nothing. Each seed runs in an
 * organization of its own; a failure names the seed and the writes that led there. Rerun one seed with
 * {@code -Dgatehouse.oracle.seed=N} (and {@code -Dgatehouse.oracle.steps=N}); explore with
 * {@code -Dgatehouse.oracle.seeds=N} (seeds 1 to N).
 */
class DecisionOracleIT {

    static final int STEPS = Integer.getInteger("gatehouse.oracle.steps", 150);
    static final List<String> FIELDS = List.of("owner_id", "rep_id", "team_id");
    static final TestClock clock = new TestClock().freeze();
    static TestNode node;
    static TestNode follower;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        follower = TestNode.startOn(node.databaseUrl(), UnaryOperator.identity(), clock);
        fx = new Fixtures(node);
        try (InputStream in = DecisionOracleIT.class.getResourceAsStream("/models/oracle.json")) {
            Http.Res res = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            if (res.status() != 201) {
                throw new AssertionError("registering the oracle model: " + res);
            }
        }
    }

    @AfterAll
    static void stop() {
        follower.close();
        node.close();
    }

    static Stream<Long> seeds() {
        Long one = Long.getLong("gatehouse.oracle.seed");
        return one != null ? Stream.of(one)
                : LongStream.rangeClosed(1, Integer.getInteger("gatehouse.oracle.seeds", 4)).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomWrites_everyDecisionAgreesWithTheDocumentedSemantics(long seed) {
        new Run(seed).run();
    }

    /**
     * doc.share's scopes are folder and doc, not organization: like a check on a type outside its scopes, one without
     * a resource is refused, and the organization-wide effective permissions and previews leave it out — while on a
     * doc (which inherits the company role) the company role still grants it.
     */
    @Test
    void aPermissionScopedToResourcesOnly_isRefusedWithoutAResource_andNeverListedOrganizationWide() {
        Fixtures.Org org = fx.org("oracle");
        Http api = node.service();
        long sharer = fx.role(org, Map.of("name", "Sharer", "permissions", List.of("doc.read", "doc.share"),
                "visibility", Map.of("user_field_ids", List.of("owner_id"), "unassigned", "require_assignment")));
        long member = fx.member(org, "sue", sharer);

        Http.Res orgWide = api.post(org.path() + "/check", Map.of("member_id", member, "permission", "doc.share"));
        assertThat(orgWide.status()).as(orgWide.toString()).isEqualTo(400);
        assertThat(orgWide.get("code").stringValue()).isEqualTo("permission_not_applicable");
        assertThat(orgWide.json().at("/errors/permission").stringValue()).contains("organization-wide");
        JsonNode batch = api.post(org.path() + "/check/batch", Map.of("checks", List.of(
                Map.of("member_id", member, "permission", "doc.share"),
                Map.of("member_id", member, "permission", "doc.share", "resource", Map.of("type", "doc", "id", "d1")))))
                .json().get("results");
        assertThat(batch.get(0).at("/error/code").stringValue()).isEqualTo("permission_not_applicable");
        assertThat(batch.get(1).get("allowed").booleanValue()).as("a doc inherits the company role").isTrue();
        assertThat(api.post(org.path() + "/lookup/members", Map.of("permission", "doc.share")).status()).isEqualTo(400);
        assertThat(api.post(org.path() + "/lookup/members", Map.of("permission", "doc.share", "resource",
                Map.of("type", "doc", "id", "d1"))).json().get("items").toString()).contains("\"sue\"");

        assertThat(api.get(org.path() + "/members/" + member + "/permissions").json().get("permissions"))
                .extracting(JsonNode::stringValue).containsExactly("doc.read");
        assertThat(api.get(org.path() + "/members/" + member + "/permissions?resource_type=doc&resource_id=d1").json()
                .get("permissions")).extracting(JsonNode::stringValue).containsExactly("doc.read", "doc.share");

        Http.Res preview = api.post(org.path() + "/preview", Map.of("member", Map.of("member_id", member,
                "status", "deactivated")));
        assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
        List<String> lost = new ArrayList<>();
        preview.get("losses").forEach(e -> lost.add(e.get("permission").stringValue() + " @ "
                + e.at("/where/scope").stringValue()));
        assertThat(lost).contains("doc.share @ unassigned", "doc.read @ organization")
                .doesNotContain("doc.share @ organization");
    }

    /** One seed's sequence: the organization, the oracle's state and the log of writes made. */
    static final class Run {
        final long seed;
        final Random random;
        final DecisionOracle oracle = new DecisionOracle();
        final List<String> log = new ArrayList<>();
        final Fixtures.Org org;
        final Http api = node.service();
        /** The node whose answers are compared: the writing node, the follower, at last a node rebuilt from tables. */
        Http reader = api;
        /** The questions asked after every write, of {@link #reader} at {@link #revision}. */
        final OracleQuestions ask;
        final List<Long> groups = new ArrayList<>();
        final List<String> removedUsers = new ArrayList<>();
        /** Whether the import being built has a line that leaves nobody able to manage roles. */
        boolean strandsRoles;
        final Map<Long, Set<Long>> groupMembers = new HashMap<>();
        long revision;
        int counter;
        int step;

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.org = fx.org("oracle");
            for (JsonNode role : api.get(org.path() + "/roles?limit=1000").json().get("items")) {
                Set<String> permissions = new LinkedHashSet<>();
                role.get("permissions").forEach(p -> permissions.add(p.stringValue()));
                long id = role.get("id").longValue();
                oracle.roles.put(id, new Role(id, role.get("name").stringValue(), true, permissions, false, List.of(),
                        false));
                if (role.get("name").stringValue().equals("Manager")) {
                    oracle.grantRoleIds.add(id);
                }
            }
            JsonNode admin = org.json().get("admin_member");
            oracle.members.put(org.adminId(), new Member(org.adminId(), admin.get("user_id").stringValue(),
                    admin.get("role_id").longValue(), false, "active"));
            this.ask = new OracleQuestions(org.path(), oracle, random, () -> reader, () -> revision, this::questionsAt,
                    FIELDS, Comparator.naturalOrder(), true, this::fail);
        }

        void run() {
            for (step = 1; step <= STEPS; step++) {
                write();
                reader = (step % 2 == 0 ? follower : node).service();
                verify();
            }
            try (TestNode rebuilt = TestNode.startOn(node.databaseUrl(), UnaryOperator.identity(), clock)) {
                reader = rebuilt.service();
                for (int i = 0; i < 5; i++) {
                    verify();
                }
                ask.sameAnswersEverywhere(List.of(api, follower.service(), rebuilt.service()), placesToAsk());
            }
        }

        // ---------------------------------------------------------------- writes

        void write() {
            int pick = random.nextInt(100);
            if (oracle.roles.size() < 4 || pick < 8) {
                createRole();
            } else if (pick < 14) {
                changeRole();
            } else if (pick < 18) {
                deleteRole();
            } else if (oracle.members.size() < 4 || pick < 28) {
                addMember();
            } else if (pick < 32) {
                moveMember();
            } else if (pick < 33) {
                renameMember();
            } else if (pick < 34) {
                flipExternal();
            } else if (pick < 42) {
                changeStatus();
            } else if (pick < 45) {
                removeMember();
            } else if (pick < 50) {
                group();
            } else if (pick < 60) {
                placeResource();
            } else if (pick < 63) {
                removeResource();
            } else if (pick < 82) {
                assign();
            } else if (pick < 87) {
                unassign();
            } else if (pick < 91) {
                putGrants();
            } else if (pick < 95) {
                importLines();
            } else if (pick < 97) {
                unassignAll();
            } else {
                advanceClock();
            }
        }

        Set<String> randomPermissions(List<String> from) {
            Set<String> out = new LinkedHashSet<>();
            for (String p : from) {
                if (random.nextInt(3) == 0) {
                    out.add(p);
                }
            }
            return out;
        }

        Map<String, Object> roleBody(Set<String> permissions, boolean external, List<String> fields,
                                     boolean allowUnassigned) {
            Map<String, Object> body = new HashMap<>();
            body.put("permissions", List.copyOf(permissions));
            body.put("external", external);
            body.put("visibility", fields.isEmpty() ? null : Map.of("user_field_ids", fields, "unassigned",
                    allowUnassigned ? "allow_unassigned" : "require_assignment"));
            return body;
        }

        List<String> randomFields(Set<String> permissions) {
            if (permissions.contains(DecisionOracle.SEES_ALL)) {
                return List.of();
            }
            List<String> fields = new ArrayList<>();
            for (String f : FIELDS) {
                if (random.nextBoolean()) {
                    fields.add(f);
                }
            }
            return fields.isEmpty() ? List.of(FIELDS.get(random.nextInt(FIELDS.size()))) : fields;
        }

        void createRole() {
            boolean external = random.nextInt(4) == 0;
            Set<String> permissions = randomPermissions(external
                    ? List.of("proj.view", "proj.edit", "doc.read", "doc.write", "doc.share")
                    : DecisionOracle.PERMISSIONS);
            List<String> fields = randomFields(permissions);
            boolean allowUnassigned = random.nextBoolean();
            String name = "Role " + (++counter);
            Map<String, Object> body = roleBody(permissions, external, fields, allowUnassigned);
            body.put("name", name);
            Http.Res res = expect(api.post(org.path() + "/roles", body), 201, "create role " + body);
            long id = res.get("id").longValue();
            oracle.roles.put(id, new Role(id, name, false, permissions, external, fields, allowUnassigned));
        }

        Role customRole() {
            List<Role> custom = oracle.roles.values().stream().filter(r -> !r.system()).toList();
            return custom.isEmpty() ? null : custom.get(random.nextInt(custom.size()));
        }

        void changeRole() {
            Role role = customRole();
            if (role == null) {
                return;
            }
            boolean flip = random.nextInt(6) == 0;
            boolean external = flip != role.external();
            Set<String> permissions = randomPermissions(external
                    ? List.of("proj.view", "proj.edit", "doc.read", "doc.write", "doc.share")
                    : DecisionOracle.PERMISSIONS);
            List<String> fields = randomFields(permissions);
            boolean allowUnassigned = random.nextBoolean();
            Map<String, Object> body = roleBody(permissions, external, fields, allowUnassigned);
            String what = "change role " + role.id() + " " + body;
            Http.Res res = api.patch(org.path() + "/roles/" + role.id(), body);
            boolean internalHolders = oracle.members.values().stream().anyMatch(m -> Objects.equals(m.roleId(),
                    role.id()));
            boolean externalHolders = oracle.assignments.values().stream().anyMatch(h -> h.entrySet().stream()
                    .anyMatch(e -> e.getValue().roleId() == role.id() && oracle.members.get(e.getKey()).external()));
            if (flip && (external ? internalHolders : externalHolders)) {
                expectRefused(res, what + " (held by members it would no longer fit)");
                return;
            }
            if (lastRoleManager(o -> o.roles.put(role.id(), new Role(role.id(), role.name(), false, permissions,
                    external, fields, allowUnassigned)), res, what)) {
                return;
            }
            if (!flip || !oracle.roleHeld(role.id())) {
                expect(res, 200, what);
            } else if (res.status() != 200) {
                logWrite(what + " -> " + res.status() + " " + res.get("code"));
                return;
            } else {
                expect(res, 200, what);
            }
            oracle.roles.put(role.id(), new Role(role.id(), role.name(), false, permissions, external, fields,
                    allowUnassigned));
        }

        void deleteRole() {
            Role role = customRole();
            if (role == null) {
                return;
            }
            boolean held = oracle.roleHeld(role.id());
            expect(api.delete(org.path() + "/roles/" + role.id()), held ? 409 : 204, "delete role " + role.id());
            if (!held) {
                oracle.roles.remove(role.id());
            }
        }

        Role randomRole(boolean external) {
            List<Role> fitting = oracle.roles.values().stream().filter(r -> r.external() == external
                    && !r.name().equals("Owner")).toList();
            return fitting.isEmpty() ? null : fitting.get(random.nextInt(fitting.size()));
        }

        void addMember() {
            boolean external = random.nextInt(4) == 0;
            Role role = external ? null : randomRole(false);
            String status = random.nextInt(4) == 0 ? "invited" : "active";
            String user = !removedUsers.isEmpty() && random.nextInt(3) == 0
                    ? removedUsers.remove(random.nextInt(removedUsers.size())) : "u" + (++counter);
            Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "email", user + "@example.com",
                    "status", status));
            if (external) {
                body.put("external", true);
            } else {
                body.put("role_id", role.id());
            }
            Http.Res res = expect(api.post(org.path() + "/members", body), 201, "add member " + body);
            long id = res.get("id").longValue();
            oracle.members.put(id, new Member(id, user, external ? null : role.id(), external, status));
        }

        /** A member other than the organization's admin (who stays, so that someone can always manage roles). */
        Member randomMember() {
            List<Member> others = oracle.members.values().stream().filter(m -> m.id() != org.adminId()).toList();
            return others.isEmpty() ? null : others.get(random.nextInt(others.size()));
        }

        /** Any member, the organization's first admin now and then. */
        Member anyMember() {
            Member admin = oracle.members.get(org.adminId());
            return admin != null && random.nextInt(6) == 0 ? admin : randomMember();
        }

        /**
         * Whether the change would leave nobody active able to manage roles: the write must then be refused
         * (409 {@code last_role_manager}), and {@code true} is returned once that is checked.
         */
        boolean lastRoleManager(Consumer<DecisionOracle> change, Http.Res res, String what) {
            DecisionOracle after = oracle.copy();
            change.accept(after);
            if (oracle.roleManagers() == 0 || after.roleManagers() > 0) {
                return false;
            }
            expectLastRoleManager(res, what);
            return true;
        }

        void expectLastRoleManager(Http.Res res, String what) {
            logWrite(what + " -> " + res.status());
            if (res.status() != 409 || !"last_role_manager".equals(res.get("code").stringValue())) {
                fail("write " + what + " leaves nobody able to manage roles: expected 409 last_role_manager, got "
                        + res);
            }
        }

        void moveMember() {
            Member m = anyMember();
            if (m == null) {
                return;
            }
            boolean toExternalRole = random.nextInt(8) == 0;
            Role role = randomRole(toExternalRole);
            if (role == null) {
                return;
            }
            Map<String, Object> body = new HashMap<>(Map.of("role_id", role.id()));
            String status = m.status();
            if (random.nextInt(4) == 0 && !m.status().equals("invited")) {
                status = m.active() ? "deactivated" : "active";
                body.put("status", status);
            }
            String what = "change member " + m.userId() + " " + body;
            DecisionOracle after = oracle.copy();
            after.members.put(m.id(), m.with(role.id(), status));
            boolean strands = oracle.roleManagers() > 0 && after.roleManagers() == 0;
            if (!m.external() && !toExternalRole && !strands && random.nextInt(3) == 0) {
                Map<String, Object> change = new HashMap<>(body);
                change.put("member_id", m.id());
                preview(Map.of("member", change), after, "preview " + what);
            }
            Http.Res res = api.patch(org.path() + "/members/" + m.id(), body);
            if (m.external() || toExternalRole) {
                expectRefused(res, what + " (an external member, or an external role as company role)");
                return;
            }
            String newStatus = status;
            if (lastRoleManager(o -> o.members.put(m.id(), m.with(role.id(), newStatus)), res, what)) {
                return;
            }
            expect(res, 200, what);
            oracle.members.put(m.id(), m.with(role.id(), status));
        }

        /** A member's user id cannot be changed: the refusal must leave every decision as it was. */
        void renameMember() {
            Member m = randomMember();
            if (m == null) {
                return;
            }
            expectRefused(api.patch(org.path() + "/members/" + m.id(), Map.of("user_id", "u" + (++counter))),
                    "rename " + m.userId());
        }

        /** An internal member made external (it loses its company role) or an external one internal. */
        void flipExternal() {
            Member m = randomMember();
            if (m == null) {
                return;
            }
            Map<String, Object> body = new HashMap<>(Map.of("external", !m.external()));
            Role role = m.external() ? randomRole(false) : null;
            if (m.external()) {
                if (role == null) {
                    return;
                }
                body.put("role_id", role.id());
            }
            String what = "make " + m.userId() + (m.external() ? " internal " : " external ") + body;
            Http.Res res = api.patch(org.path() + "/members/" + m.id(), body);
            boolean holdsInternal = oracle.assignments.values().stream().anyMatch(h -> h.containsKey(m.id())
                    && !oracle.roles.get(h.get(m.id()).roleId()).external());
            if (!m.external() && holdsInternal) {
                expectRefused(res, what + " (it holds internal roles on resources)");
                return;
            }
            if (res.status() != 200) {
                logWrite(what + " -> " + res.status() + " " + res.get("code"));
                return;
            }
            expect(res, 200, what);
            oracle.members.put(m.id(), new Member(m.id(), m.userId(), m.external() ? role.id() : null, !m.external(),
                    m.status()));
        }

        void changeStatus() {
            Member m = anyMember();
            if (m == null) {
                return;
            }
            String path = org.path() + "/members/" + m.id();
            switch (m.status()) {
                case "active" -> {
                    Http.Res res = api.patch(path, Map.of("status", "deactivated"));
                    if (lastRoleManager(o -> o.members.put(m.id(), m.with(m.roleId(), "deactivated")), res,
                            "deactivate " + m.userId())) {
                        return;
                    }
                    expect(res, 200, "deactivate " + m.userId());
                    oracle.members.put(m.id(), m.with(m.roleId(), "deactivated"));
                }
                case "invited" -> {
                    if (random.nextBoolean()) {
                        expect(api.post(path + "/accept", Map.of()), 200, "accept " + m.userId());
                    } else {
                        expect(api.patch(path, Map.of("status", "active")), 200, "accept by PATCH " + m.userId());
                    }
                    oracle.members.put(m.id(), m.with(m.roleId(), "active"));
                }
                default -> {
                    if (random.nextInt(3) == 0) {
                        expect(api.post(path + "/accept", Map.of()), 409, "accept deactivated " + m.userId());
                        return;
                    }
                    expect(api.patch(path, Map.of("status", "active")), 200, "reactivate " + m.userId());
                    oracle.members.put(m.id(), m.with(m.roleId(), "active"));
                }
            }
        }

        void removeMember() {
            Member m = anyMember();
            if (m == null) {
                return;
            }
            Http.Res res = api.delete(org.path() + "/members/" + m.id());
            if (lastRoleManager(o -> o.removeMember(m.id()), res, "remove member " + m.userId())) {
                return;
            }
            expect(res, 204, "remove member " + m.userId());
            oracle.removeMember(m.id());
            removedUsers.add(m.userId());
            groupMembers.values().forEach(s -> s.remove(m.id()));
        }

        /** Groups decide nothing: they are written for the noise, and the oracle ignores them. */
        void group() {
            int pick = random.nextInt(3);
            if (groups.isEmpty() || pick == 0) {
                Http.Res res = expect(api.post(org.path() + "/groups", Map.of("name", "Group " + (++counter))), 201,
                        "create group");
                groups.add(res.get("id").longValue());
                groupMembers.put(res.get("id").longValue(), new TreeSet<>());
                return;
            }
            long group = groups.get(random.nextInt(groups.size()));
            Member m = randomMember();
            if (m == null) {
                return;
            }
            String path = org.path() + "/groups/" + group + "/members";
            if (groupMembers.get(group).contains(m.id())) {
                expect(api.delete(path + "/" + m.id()), 204, "group " + group + " loses " + m.userId());
                groupMembers.get(group).remove(m.id());
            } else {
                expect(api.post(path, Map.of("member_id", m.id())), 201, "group " + group + " gains " + m.userId());
                groupMembers.get(group).add(m.id());
            }
        }

        Place randomPlace() {
            String type = DecisionOracle.TYPES.get(random.nextInt(DecisionOracle.TYPES.size()));
            return new Place(type, type.charAt(0) + String.valueOf(1 + random.nextInt(4)));
        }

        void placeResource() {
            Place place = randomPlace();
            String parentType = DecisionOracle.PARENT_TYPE.get(place.type());
            Place parent = null;
            if (parentType != null && random.nextInt(4) != 0) {
                List<Place> candidates = oracle.recorded.keySet().stream().filter(p -> p.type().equals(parentType))
                        .toList();
                parent = candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
            }
            Map<String, Object> body = new HashMap<>();
            body.put("parent", parent == null ? null : Map.of("type", parent.type(), "id", parent.id()));
            boolean known = oracle.recorded.containsKey(place);
            expect(api.put(org.path() + "/resources/" + place.type() + "/" + place.id(), body), known ? 200 : 201,
                    "place " + place + " under " + parent);
            oracle.recorded.put(place, parent);
        }

        void removeResource() {
            List<Place> places = List.copyOf(oracle.recorded.keySet());
            if (places.isEmpty()) {
                return;
            }
            Place place = places.get(random.nextInt(places.size()));
            boolean children = oracle.hasChildren(place);
            expect(api.delete(org.path() + "/resources/" + place.type() + "/" + place.id()), children ? 409 : 204,
                    "unrecord " + place);
            if (!children) {
                oracle.recorded.remove(place);
            }
        }

        void assign() {
            Member m = randomMember();
            if (m == null) {
                return;
            }
            boolean externalRole = m.external() ? random.nextInt(6) != 0 : random.nextInt(5) == 0;
            Role role = randomRole(externalRole);
            if (role == null) {
                return;
            }
            Place place = randomPlace();
            Map<String, Object> body = new HashMap<>(Map.of("role_id", role.id()));
            Instant end = null;
            if (random.nextInt(4) == 0) {
                end = clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(90)));
                body.put("expires_at", end.toString());
            }
            String what = "assign " + m.userId() + " role " + role.id() + " on " + place + " until " + end;
            if (!(m.external() && !externalRole) && random.nextInt(3) == 0) {
                DecisionOracle after = oracle.copy();
                after.assignments.computeIfAbsent(place, p -> new HashMap<>()).put(m.id(), new Held(role.id(), end));
                Map<String, Object> change = new HashMap<>(body);
                change.put("resource", Map.of("type", place.type(), "id", place.id()));
                change.put("member_id", m.id());
                preview(Map.of("assignment", change), after, "preview " + what);
            }
            Http.Res res = api.put(org.path() + "/resources/" + place.type() + "/" + place.id() + "/assignments/"
                    + m.id(), body);
            if (m.external() && !externalRole) {
                expectRefused(res, what + " (an internal role for an external member)");
                return;
            }
            expect(res, 200, what);
            oracle.assignments.computeIfAbsent(place, p -> new HashMap<>()).put(m.id(), new Held(role.id(), end));
        }

        void unassign() {
            List<Object[]> held = new ArrayList<>();
            oracle.assignments.forEach((place, h) -> h.keySet().stream().sorted()
                    .forEach(member -> held.add(new Object[] {place, member})));
            if (held.isEmpty()) {
                return;
            }
            Object[] pick = held.get(random.nextInt(held.size()));
            Place place = (Place) pick[0];
            long member = (Long) pick[1];
            if (random.nextInt(3) == 0) {
                DecisionOracle after = oracle.copy();
                after.unassign(place, member);
                Map<String, Object> change = new HashMap<>(Map.of("resource", Map.of("type", place.type(), "id",
                        place.id()), "member_id", member));
                change.put("role_id", null);
                preview(Map.of("assignment", change), after, "preview unassign " + member + " on " + place);
            }
            expect(api.delete(org.path() + "/resources/" + place.type() + "/" + place.id() + "/assignments/"
                    + member), 204, "unassign " + member + " on " + place);
            oracle.unassign(place, member);
        }

        void putGrants() {
            Member m = anyMember();
            if (m == null) {
                return;
            }
            Set<String> permissions = randomPermissions(DecisionOracle.GRANTABLE);
            String what = "grants of " + m.userId() + " := " + permissions;
            Http.Res res = api.put(org.path() + "/members/" + m.id() + "/grants",
                    Map.of("permissions", List.copyOf(permissions)));
            if (oracle.grantsCount(m)) {
                if (lastRoleManager(o -> o.grants.put(m.id(), permissions), res, what)) {
                    return;
                }
                expect(res, 200, what);
            } else if (!permissions.isEmpty()) {
                expectRefused(res, what + " (a member whose role takes no grants)");
                return;
            } else if (res.status() != 200) {
                logWrite(what + " -> " + res.status() + " " + res.get("code"));
                return;
            }
            oracle.grants.put(m.id(), permissions);
        }

        /** Asks for a preview of a change and compares what it lists with the oracle's state before and after. */
        void preview(Map<String, Object> change, DecisionOracle after, String what) {
            Map<String, Object> body = new HashMap<>(change);
            body.put("all", true);
            Http.Res res = api.post(org.path() + "/preview", body);
            logWrite(what + " -> " + res.status());
            if (res.status() != 200) {
                fail(what + ": " + res);
            }
            Map<String, Map<String, Set<String>>> expected = oracle.effects(after);
            for (String side : List.of("gains", "losses")) {
                Map<String, Set<String>> server = new java.util.TreeMap<>();
                Set<String> distinct = new TreeSet<>();
                for (JsonNode effect : res.get(side)) {
                    JsonNode where = effect.get("where");
                    String scope = where.get("scope").stringValue();
                    String key = effect.get("permission").stringValue() + " @ " + scope
                            + (where.has("type") ? " " + where.get("type").stringValue() : "")
                            + (where.has("id") ? " " + where.get("id").stringValue() : "");
                    Set<String> users = new TreeSet<>();
                    effect.get("members").get("items").forEach(n -> users.add(n.get("user_id").stringValue()));
                    ask.agree(what + ": " + side + " " + key + " count", effect.get("members").get("count").intValue(),
                            users.size());
                    server.put(key, users);
                    distinct.addAll(users);
                }
                ask.agree(what + ": " + side, server, expected.get(side));
                ask.agree(what + ": members_" + (side.equals("gains") ? "gaining" : "losing"),
                        res.get(side.equals("gains") ? "members_gaining" : "members_losing").intValue(), distinct.size());
            }
        }

        /** Removes every role on one resource, or every role of one member, in one request. */
        void unassignAll() {
            if (random.nextBoolean()) {
                Place place = randomPlace();
                Http.Res res = expect(api.delete(org.path() + "/resources/" + place.type() + "/" + place.id()
                        + "/assignments"), 200, "unassign all on " + place);
                Map<Long, Held> removed = oracle.assignments.remove(place);
                ask.agree("removed on " + place, res.get("removed").intValue(), removed == null ? 0 : removed.size());
            } else {
                Member m = randomMember();
                if (m == null) {
                    return;
                }
                Http.Res res = expect(api.delete(org.path() + "/members/" + m.id() + "/assignments"), 200,
                        "unassign all of " + m.userId());
                long removed = oracle.assignments.values().stream().filter(h -> h.remove(m.id()) != null).count();
                ask.agree("removed of " + m.userId(), res.get("removed").longValue(), removed);
            }
        }

        /**
         * A few lines through the bulk import, which records a run of assignment upserts as one change (decoded
         * apart from single writes): roles given and taken, grants, places in the hierarchy.
         */
        void importLines() {
            StringBuilder body = new StringBuilder();
            // each line is judged by the state the lines before it leave: a what-if copy follows them
            DecisionOracle work = oracle.copy();
            strandsRoles = false;
            List<Consumer<DecisionOracle>> effects = new ArrayList<>();
            int lines = 1 + random.nextInt(6);
            for (int i = 0; i < lines; i++) {
                Member picked = randomMember();
                Member m = picked == null ? null : work.members.get(picked.id());
                int kind = random.nextInt(14);
                if (m != null && kind < 6) {
                    Role role = randomRole(m.external() || random.nextInt(5) == 0);
                    if (role == null || (m.external() && !role.external())) {
                        continue;
                    }
                    Place place = randomPlace();
                    Map<String, Object> line = new HashMap<>(Map.of("type", "assignment", "resource",
                            Map.of("type", place.type(), "id", place.id()), "user_id", m.userId(), "role_id", role.id()));
                    Instant end = random.nextInt(4) == 0
                            ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(90))) : null;
                    if (end != null) {
                        line.put("expires_at", end.toString());
                    }
                    body.append(Json.writeString(line)).append('\n');
                    line(effects, work, o -> o.assignments.computeIfAbsent(place, p -> new HashMap<>())
                            .put(m.id(), new Held(role.id(), end)));
                } else if (m != null && kind < 8) {
                    List<Place> held = work.assignments.entrySet().stream()
                            .filter(e -> e.getValue().containsKey(m.id())).map(Map.Entry::getKey).toList();
                    if (held.isEmpty()) {
                        continue;
                    }
                    Place place = held.get(random.nextInt(held.size()));
                    body.append(Json.writeString(Map.of("type", "assignment", "op", "delete", "resource",
                            Map.of("type", place.type(), "id", place.id()), "user_id", m.userId()))).append('\n');
                    line(effects, work, o -> o.unassign(place, m.id()));
                } else if (m != null && kind < 9 && work.grantsCount(m)) {
                    Set<String> permissions = randomPermissions(DecisionOracle.GRANTABLE);
                    body.append(Json.writeString(Map.of("type", "grants", "user_id", m.userId(), "permissions",
                            List.copyOf(permissions)))).append('\n');
                    line(effects, work, o -> o.grants.put(m.id(), permissions));
                } else if (m != null && kind == 10 && !m.external()) {
                    Role role = randomRole(false);
                    String status = m.status().equals("invited") ? (random.nextBoolean() ? "invited" : "active")
                            : random.nextBoolean() ? "active" : "deactivated";
                    body.append(Json.writeString(Map.of("type", "member", "user_id", m.userId(), "email",
                            m.userId() + "@example.com", "role_id", role.id(), "status", status))).append('\n');
                    line(effects, work, o -> o.members.put(m.id(), o.members.get(m.id()).with(role.id(), status)));
                } else if (m != null && kind == 11 && !m.external() && random.nextInt(3) == 0) {
                    body.append(Json.writeString(Map.of("type", "member", "op", "delete", "user_id", m.userId())))
                            .append('\n');
                    line(effects, work, o -> o.removeMember(m.id()));
                    effects.add(o -> {
                        groupMembers.values().forEach(g -> g.remove(m.id()));
                        removedUsers.add(m.userId());
                    });
                    break;
                } else if (kind == 12) {
                    Role role = customRole();
                    if (role == null) {
                        continue;
                    }
                    Set<String> permissions = randomPermissions(role.external()
                            ? List.of("proj.view", "proj.edit", "doc.read", "doc.write", "doc.share") : DecisionOracle.PERMISSIONS);
                    List<String> fields = randomFields(permissions);
                    boolean allowUnassigned = random.nextBoolean();
                    Map<String, Object> line = roleBody(permissions, role.external(), fields, allowUnassigned);
                    line.put("type", "role");
                    line.put("name", role.name());
                    body.append(Json.writeString(line)).append('\n');
                    line(effects, work, o -> o.roles.put(role.id(), new Role(role.id(), role.name(), false, permissions,
                            role.external(), fields, allowUnassigned)));
                } else if (kind == 9 || kind == 13) {
                    Place place = randomPlace();
                    String parentType = DecisionOracle.PARENT_TYPE.get(place.type());
                    List<Place> parents = work.recorded.keySet().stream()
                            .filter(p -> p.type().equals(parentType)).toList();
                    Place parent = parents.isEmpty() ? null : parents.get(random.nextInt(parents.size()));
                    Map<String, Object> line = new HashMap<>(Map.of("type", "resource", "resource",
                            Map.of("type", place.type(), "id", place.id())));
                    line.put("parent", parent == null ? null : Map.of("type", parent.type(), "id", parent.id()));
                    body.append(Json.writeString(line)).append('\n');
                    line(effects, work, o -> o.recorded.put(place, parent));
                }
            }
            if (body.isEmpty()) {
                return;
            }
            Http.Res res = api.raw("POST", org.path() + "/import", body.toString(), "application/x-ndjson");
            if (strandsRoles) {
                expectLastRoleManager(res, "import\n    " + body.toString().strip());
                return;
            }
            expect(res, 200, "import\n    " + body.toString().strip().replace("\n", "\n    "));
            effects.forEach(effect -> effect.accept(oracle));
        }

        /**
         * One import line's effect: applied to the what-if copy now (noting when it leaves nobody able to manage
         * roles), to the oracle once the import commits.
         */
        void line(List<Consumer<DecisionOracle>> effects, DecisionOracle work, Consumer<DecisionOracle> effect) {
            effect.accept(work);
            effects.add(effect);
            strandsRoles |= oracle.roleManagers() > 0 && work.roleManagers() == 0;
        }

        void advanceClock() {
            Duration by = Duration.ofMinutes(random.nextInt(40));
            clock.advance(by);
            node.node().expiry().runOnce();
            oracle.expire(clock.instant());
            JsonNode newest = api.get(org.path() + "/events?limit=1").json().get("items");
            if (!newest.isEmpty()) {
                revision = Math.max(revision, newest.get(0).get("revision").longValue());
            }
            logWrite("clock +" + by.toMinutes() + "min, now " + clock.instant());
        }

        Http.Res expect(Http.Res res, int status, String what) {
            logWrite(what + " -> " + res.status());
            if (res.status() != status) {
                fail("write " + what + ": expected " + status + ", got " + res);
            }
            String header = res.header("Gatehouse-Revision");
            if (header != null) {
                revision = Math.max(revision, Long.parseLong(header));
            }
            return res;
        }

        void expectRefused(Http.Res res, String what) {
            logWrite(what + " -> " + res.status());
            if (res.status() < 400 || res.status() >= 500) {
                fail("write " + what + ": expected a 4xx refusal, got " + res);
            }
        }

        void logWrite(String line) {
            log.add(step + ": " + line);
        }

        void fail(String message) {
            StringBuilder text = new StringBuilder("seed " + seed + ", step " + step + ": " + message
                    + "\n(rerun with -Dgatehouse.oracle.seed=" + seed + " -Dgatehouse.oracle.steps=" + step
                    + ")\nwrites:\n");
            log.subList(Math.max(0, log.size() - 60), log.size()).forEach(l -> text.append("  ").append(l).append('\n'));
            throw new AssertionError(text.toString());
        }

        // ---------------------------------------------------------------- reads

        List<Place> placesToAsk() {
            Set<Place> places = new LinkedHashSet<>();
            places.add(null);
            List<Place> recorded = List.copyOf(oracle.recorded.keySet());
            for (int i = 0; i < 2 && !recorded.isEmpty(); i++) {
                places.add(recorded.get(random.nextInt(recorded.size())));
            }
            places.add(randomPlace());
            places.add(randomPlace());
            return new ArrayList<>(places);
        }

        /** Every member, every permission that applies on the place. */
        List<Question> questionsAt(Place place) {
            List<Question> questions = new ArrayList<>();
            for (Member m : oracle.members.values()) {
                for (String permission : ask.permissionsOn(place)) {
                    questions.add(new Question(m, permission, place));
                }
            }
            return questions;
        }

        void verify() {
            List<Question> asked = ask.checkAll(placesToAsk());

            Question single = asked.get(random.nextInt(asked.size()));
            Member m = single.member();
            Map<String, Object> body = ask.checkBody(m.id(), single.permission(), single.place());
            body.put("min_revision", revision);
            Http.Res check = reader.post(org.path() + "/check", body);
            ask.compare("single check " + m.userId() + " " + single.permission() + " on " + single.place(),
                    check.json(), oracle.decide(m.id(), single.permission(), single.place()));

            Place somewhere = random.nextBoolean() ? null : randomPlace();
            List<String> outOfScope = DecisionOracle.PERMISSIONS.stream()
                    .filter(p -> !ask.permissionsOn(somewhere).contains(p)).toList();
            String notHere = outOfScope.get(random.nextInt(outOfScope.size()));
            Http.Res refused = reader.post(org.path() + "/check", ask.checkBody(m.id(), notHere, somewhere));
            if (refused.status() != 400) {
                fail("check of " + notHere + " on " + somewhere + ", outside its scopes: expected 400, got " + refused);
            }

            List<Member> all = List.copyOf(oracle.members.values());
            Member who = all.get(random.nextInt(all.size()));
            ask.effectivePermissions(who, null);
            ask.effectivePermissions(who, randomPlace());
            Member asker = all.get(random.nextInt(all.size()));
            String type = DecisionOracle.TYPES.get(random.nextInt(DecisionOracle.TYPES.size()));
            ask.lookupResources(asker, type, ask.permissionsOn(new Place(type, "x")), 2);
            List<Place> places = placesToAsk();
            Place where = places.get(random.nextInt(places.size()));
            ask.lookupMembers(where, ask.permissionsOn(where));
            ask.visibility(all.get(random.nextInt(all.size())));
        }
    }
}
