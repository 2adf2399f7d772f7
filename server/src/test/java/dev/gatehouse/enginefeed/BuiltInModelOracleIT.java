package dev.gatehouse.enginefeed;

import dev.gatehouse.enginefeed.DecisionOracle.Held;
import dev.gatehouse.enginefeed.DecisionOracle.Member;
import dev.gatehouse.enginefeed.DecisionOracle.Model;
import dev.gatehouse.enginefeed.DecisionOracle.Place;
import dev.gatehouse.enginefeed.DecisionOracle.Role;
import dev.gatehouse.enginefeed.OracleQuestions.Question;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@link DecisionOracleIT}'s randomized differential test over the built-in models, driven through {@code /v1} (and,
 * for rooms, the Rooms dialect that creates and deletes them): {@code close} (organization-wide permissions, lead
 * visibility, groups), {@code rooms} (room roles that alone decide in their room, room owners who keep their role
 * and stay in the company, external members and roles) and {@code rooms_v5} (the fixed Admin, Manager and Agent roles, a Manager's grants, roles
 * on the company, regions and offices that reach the rooms beneath, offices moved between regions, regions and
 * offices deleted with their roles). The reference is {@link DecisionOracle} over the model as
 * {@code GET /v1/orgs/{org}/model} shows it, with the hierarchy and the rooms' owners the documents describe
 * (docs/api.md "Offices and regions", docs/dialects/rooms.md "Revoke and restore", "v5 companies"). Answers come in
 * turn from the writing node and a second node following it, and at the end from a node rebuilt from the tables.
 * Rerun one sequence with {@code -Dgatehouse.oracle.builtin.seed=N} and {@code -Dgatehouse.oracle.builtin.steps=N};
 * explore with {@code -Dgatehouse.oracle.builtin.seeds=N}; {@code -Dgatehouse.oracle.builtin.log=N} shows the last N
 * writes of a failing sequence (60 by default). Ids of rooms, offices and regions are ordered by number, so a seed
 * makes the same choices alone as among others.
 */
class BuiltInModelOracleIT {

    static final int STEPS = Integer.getInteger("gatehouse.oracle.builtin.steps", 50);
    static final List<String> FIELDS = List.of("lead_owner", "rep", "csm");
    /** Ids of rooms, offices and regions in numeric order, so that a seed's choices do not depend on their size. */
    static final java.util.Comparator<String> BY_NUMBER = java.util.Comparator.comparingInt(String::length)
            .thenComparing(java.util.Comparator.naturalOrder());
    static final TestClock clock = new TestClock().freeze();
    static TestNode node;
    static TestNode follower;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        follower = TestNode.startOn(node.databaseUrl(), UnaryOperator.identity(), clock);
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        follower.close();
        node.close();
    }

    static Stream<Arguments> runs() {
        Long one = Long.getLong("gatehouse.oracle.builtin.seed");
        List<Long> seeds = one != null ? List.of(one)
                : LongStream.rangeClosed(1, Integer.getInteger("gatehouse.oracle.builtin.seeds", 1)).boxed().toList();
        return Stream.of("close", "rooms", "rooms_v5").flatMap(model -> seeds.stream().map(s -> Arguments.of(model, s)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void randomWrites_everyDecisionAgreesWithTheDocumentedSemantics(String model, long seed) {
        new Run(model, seed).run();
    }

    /** A v5 user's Rooms profile: access level, default office, offices and regions (ids). */
    record Profile(String level, String defaultOffice, Set<String> offices, Set<String> regions) {
    }

    /** One sequence on one built-in model. */
    static final class Run {
        final String modelId;
        final long seed;
        final Random random;
        final Fixtures.Org org;
        final Http api = node.service();
        final DecisionOracle oracle;
        final JsonNode modelJson;
        final boolean external;
        final boolean classic;
        final boolean rooms;
        final List<String> log = new ArrayList<>();
        /** Each room's owners (member ids), who keep their role in it. */
        final Map<String, Set<Long>> roomOwners = new TreeMap<>(BY_NUMBER);
        /** v5: region id to office ids, office id to room ids. */
        final Map<String, Set<String>> officesOf = new TreeMap<>(BY_NUMBER);
        final Map<String, Set<String>> roomsOf = new TreeMap<>(BY_NUMBER);
        final List<Long> groups = new ArrayList<>();
        /** v5: the Rooms profile of each user invited through the dialect, which gives a Manager or Admin its reach. */
        final Map<Long, Profile> profiles = new TreeMap<>();
        /**
         * Room users whose access is revoked (room to member to the role remembered): a room role whose end came.
         * They are restored through the Rooms dialect, never re-assigned (409 {@code room_access_revoked}), and the
         * remembered role cannot be deleted.
         */
        final Map<Place, Map<Long, Long>> revoked = new TreeMap<>(DecisionOracle.PLACE_ORDER);
        Http reader = api;
        /** The questions asked after every write, of {@link #reader} at {@link #revision}. */
        final OracleQuestions ask;
        Long adminRoleId;
        long revision;
        int counter;
        int step;

        Run(String modelId, long seed) {
            this.modelId = modelId;
            this.seed = seed;
            this.random = new Random(seed);
            this.org = fx.org(modelId);
            this.modelJson = api.get(org.path() + "/model").json();
            this.oracle = new DecisionOracle(Model.of(modelJson));
            this.external = modelJson.get("external_roles").booleanValue();
            this.classic = modelId.equals("rooms_v5");
            this.rooms = modelId.startsWith("rooms");
            Map<String, String> systemNames = new HashMap<>();
            String adminKey = null;
            for (JsonNode r : modelJson.get("system_roles")) {
                systemNames.put(r.get("name").stringValue(), r.get("key").stringValue());
                if (r.hasNonNull("default_for_admin") && r.get("default_for_admin").booleanValue()) {
                    adminKey = r.get("key").stringValue();
                }
            }
            Set<String> grantRoles = new TreeSet<>(BY_NUMBER);
            if (modelJson.hasNonNull("member_grants")) {
                modelJson.at("/member_grants/roles").forEach(n -> grantRoles.add(n.stringValue()));
            }
            for (JsonNode role : api.get(org.path() + "/roles?limit=1000").json().get("items")) {
                long id = role.get("id").longValue();
                String key = systemNames.get(role.get("name").stringValue());
                Set<String> permissions = new LinkedHashSet<>();
                role.get("permissions").forEach(p -> permissions.add(p.stringValue()));
                oracle.roles.put(id, new Role(id, role.get("name").stringValue(), true, permissions,
                        role.get("external").booleanValue(), List.of(), false));
                if (grantRoles.contains(key)) {
                    oracle.grantRoleIds.add(id);
                }
                if (Objects.equals(key, adminKey)) {
                    adminRoleId = id;
                }
            }
            JsonNode admin = org.json().get("admin_member");
            oracle.members.put(org.adminId(), new Member(org.adminId(), admin.get("user_id").stringValue(),
                    admin.get("role_id").longValue(), false, "active"));
            this.ask = new OracleQuestions(org.path(), oracle, random, () -> reader, () -> revision, this::questionsAt,
                    FIELDS, BY_NUMBER, false, this::fail);
        }

        void run() {
            for (step = 1; step <= STEPS; step++) {
                write();
                reader = (step % 2 == 0 ? follower : node).service();
                verify();
            }
            try (TestNode rebuilt = TestNode.startOn(node.databaseUrl(), UnaryOperator.identity(), clock)) {
                reader = rebuilt.service();
                for (int i = 0; i < 3; i++) {
                    verify();
                }
                ask.sameAnswersEverywhere(List.of(api, follower.service(), rebuilt.service()), placesToAsk());
            }
        }

        // ---------------------------------------------------------------- writes

        void write() {
            // the writes a model has: close stops at groups, rooms at revocations, rooms_v5 goes on to its hierarchy
            int pick = random.nextInt(classic ? 100 : rooms ? 77 : 40);
            if (classic && officesOf.isEmpty()) {
                region();
            } else if (classic && roomsOf.isEmpty()) {
                office();
            } else if (oracle.members.size() < 4 || pick < 12) {
                addMember();
            } else if (pick < 17) {
                createRole();
            } else if (pick < 20) {
                changeRole();
            } else if (pick < 22) {
                deleteRole();
            } else if (pick < 26) {
                moveMember();
            } else if (pick < 32) {
                changeStatus();
            } else if (pick < 35) {
                removeMember();
            } else if (pick < 38) {
                group();
            } else if (rooms && pick < 45) {
                createRoom();
            } else if (rooms && pick < 47) {
                deleteRoom();
            } else if (rooms && pick < 63) {
                assign();
            } else if (rooms && pick < 68) {
                unassign();
            } else if (rooms && pick < 74) {
                revokeOrRestore();
            } else if (classic && pick < 79) {
                invite();
            } else if (classic && pick < 84) {
                reach();
            } else if (classic && pick < 86) {
                region();
            } else if (classic && pick < 89) {
                office();
            } else if (classic && pick < 91) {
                moveOffice();
            } else if (classic && pick < 93) {
                deletePlace();
            } else if (classic && pick < 97) {
                putGrants();
            } else {
                advanceClock();
            }
        }

        Set<String> randomPermissions(boolean externalRole) {
            Set<String> out = new LinkedHashSet<>();
            for (String p : oracle.model.permissions()) {
                if (random.nextInt(4) == 0 && (!externalRole || !oracle.model.scopes().get(p).equals(
                        Set.of("organization")))) {
                    out.add(p);
                }
            }
            return out;
        }

        Map<String, Object> roleBody(Set<String> permissions, boolean externalRole) {
            Map<String, Object> body = new HashMap<>(Map.of("permissions", List.copyOf(permissions)));
            if (external) {
                body.put("external", externalRole);
            }
            String seesAll = oracle.model.seesAll();
            if (seesAll != null && permissions.contains(seesAll)) {
                // a PATCH keeps what it does not name: a role gaining "sees all" must drop its visibility settings
                body.put("visibility", null);
            } else if (seesAll != null) {
                List<String> fields = new ArrayList<>(FIELDS.subList(0, 1 + random.nextInt(FIELDS.size())));
                body.put("visibility", Map.of("user_field_ids", fields, "unassigned",
                        random.nextBoolean() ? "allow_unassigned" : "require_assignment"));
            }
            return body;
        }

        @SuppressWarnings("unchecked")
        Role roleOf(long id, String name, Map<String, Object> body, Set<String> permissions, boolean externalRole) {
            Map<String, Object> visibility = (Map<String, Object>) body.get("visibility");
            return new Role(id, name, false, permissions, externalRole,
                    visibility == null ? List.of() : (List<String>) visibility.get("user_field_ids"),
                    visibility != null && visibility.get("unassigned").equals("allow_unassigned"));
        }

        void createRole() {
            boolean externalRole = external && random.nextInt(3) == 0;
            Set<String> permissions = randomPermissions(externalRole);
            Map<String, Object> body = roleBody(permissions, externalRole);
            String name = "Role " + (++counter);
            body.put("name", name);
            Http.Res res = expect(api.post(org.path() + "/roles", body), 201, "create role " + body);
            long id = res.get("id").longValue();
            oracle.roles.put(id, roleOf(id, name, body, permissions, externalRole));
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
            Set<String> permissions = randomPermissions(role.external());
            Map<String, Object> body = roleBody(permissions, role.external());
            String what = "change role " + role.id() + " " + body;
            Http.Res res = api.patch(org.path() + "/roles/" + role.id(), body);
            Role changed = roleOf(role.id(), role.name(), body, permissions, role.external());
            if (lastRoleManager(o -> o.roles.put(role.id(), changed), res, what)) {
                return;
            }
            expect(res, 200, what);
            oracle.roles.put(role.id(), changed);
        }

        void deleteRole() {
            Role role = customRole();
            if (role == null) {
                return;
            }
            boolean held = oracle.roleHeld(role.id())
                    || revoked.values().stream().anyMatch(r -> r.containsValue(role.id()));
            expect(api.delete(org.path() + "/roles/" + role.id()), held ? 409 : 204, "delete role " + role.id());
            if (!held) {
                oracle.roles.remove(role.id());
            }
        }

        Role randomRole(boolean externalRole) {
            List<Role> fitting = oracle.roles.values().stream().filter(r -> r.external() == externalRole).toList();
            return fitting.isEmpty() ? null : fitting.get(random.nextInt(fitting.size()));
        }

        void addMember() {
            boolean outsider = external && random.nextInt(4) == 0;
            Role role = outsider ? null : randomRole(false);
            String status = random.nextInt(4) == 0 ? "invited" : "active";
            String user = "u" + (++counter);
            Map<String, Object> body = new HashMap<>(Map.of("user_id", user, "email", user + "@example.com",
                    "status", status));
            if (outsider) {
                body.put("external", true);
            } else {
                body.put("role_id", role.id());
            }
            Http.Res res = expect(api.post(org.path() + "/members", body), 201, "add member " + body);
            long id = res.get("id").longValue();
            oracle.members.put(id, new Member(id, user, outsider ? null : role.id(), outsider, status));
        }

        Member randomMember() {
            List<Member> others = oracle.members.values().stream().filter(m -> m.id() != org.adminId()).toList();
            return others.isEmpty() ? null : others.get(random.nextInt(others.size()));
        }

        boolean lastRoleManager(Consumer<DecisionOracle> change, Http.Res res, String what) {
            DecisionOracle after = oracle.copy();
            change.accept(after);
            if (oracle.roleManagers() == 0 || after.roleManagers() > 0) {
                return false;
            }
            logWrite(what + " -> " + res.status());
            if (res.status() != 409 || !"last_role_manager".equals(res.get("code").stringValue())) {
                fail("write " + what + " leaves nobody able to manage roles: expected 409 last_role_manager, got "
                        + res);
            }
            return true;
        }

        void moveMember() {
            Member m = randomMember();
            if (m == null || m.external()) {
                return;
            }
            Role role = randomRole(false);
            String what = "change member " + m.userId() + " to role " + role.id();
            Http.Res res = api.patch(org.path() + "/members/" + m.id(), Map.of("role_id", role.id()));
            if (lastRoleManager(o -> o.members.put(m.id(), m.with(role.id(), m.status())), res, what)) {
                return;
            }
            expect(res, 200, what);
            oracle.members.put(m.id(), m.with(role.id(), m.status()));
            if (classic && !Objects.equals(m.roleId(), role.id())) {
                leaveReach(m.id(), m.roleId(), role);
            }
        }

        /**
         * A v5 user moved to another company role through {@code /v1} (docs/dialects/rooms.md): its old role's reach —
         * that role held on the company, regions and offices — is taken away, and it is left at access level
         * Contributor unless it is an Admin now.
         */
        void leaveReach(long id, Long oldRole, Role now) {
            for (Place place : List.copyOf(oracle.assignments.keySet())) {
                Held held = oracle.assignment(place, id);
                if (!place.type().equals("room") && held != null && Objects.equals(held.roleId(), oldRole)) {
                    oracle.unassign(place, id);
                }
            }
            Profile p = profiles.get(id);
            if (p != null && !(now.system() && now.name().equals("Admin"))) {
                profiles.put(id, new Profile("Contributor", p.defaultOffice(), p.offices(), p.regions()));
            }
        }

        void changeStatus() {
            Member m = random.nextInt(8) == 0 ? oracle.members.get(org.adminId()) : randomMember();
            if (m == null) {
                return;
            }
            String path = org.path() + "/members/" + m.id();
            String next = m.status().equals("active") ? "deactivated" : "active";
            Http.Res res = m.status().equals("invited") && random.nextBoolean() ? api.post(path + "/accept", Map.of())
                    : api.patch(path, Map.of("status", next));
            String what = "status of " + m.userId() + " " + m.status() + " -> " + next;
            if (lastRoleManager(o -> o.members.put(m.id(), m.with(m.roleId(), next)), res, what)) {
                return;
            }
            expect(res, 200, what);
            oracle.members.put(m.id(), m.with(m.roleId(), next));
        }

        void removeMember() {
            Member m = randomMember();
            if (m == null) {
                return;
            }
            Http.Res res = api.delete(org.path() + "/members/" + m.id());
            if (lastRoleManager(o -> o.removeMember(m.id()), res, "remove member " + m.userId())) {
                return;
            }
            if (roomOwners.values().stream().anyMatch(owners -> owners.contains(m.id()))) {
                expectCode(res, 409, "room_owner", "remove member " + m.userId() + " (a room's owner stays)");
                return;
            }
            expect(res, 204, "remove member " + m.userId());
            oracle.removeMember(m.id());
            revoked.values().forEach(r -> r.remove(m.id()));
            profiles.remove(m.id());
        }

        /** Groups decide nothing: written for the noise. */
        void group() {
            if (groups.isEmpty() || random.nextInt(3) == 0) {
                Http.Res res = expect(api.post(org.path() + "/groups", Map.of("name", "Group " + (++counter))), 201,
                        "create group");
                groups.add(res.get("id").longValue());
                return;
            }
            Member m = randomMember();
            if (m == null || m.external()) {
                return;
            }
            long group = groups.get(random.nextInt(groups.size()));
            Http.Res res = api.post(org.path() + "/groups/" + group + "/members", Map.of("member_id", m.id()));
            logWrite("group " + group + " gains " + m.userId() + " -> " + res.status());
            if (res.status() / 100 != 2) {
                fail("adding " + m.userId() + " to group " + group + ": " + res);
            }
        }

        String rooms() {
            return "/restapi/v2/accounts/" + org.accountId() + "/rooms";
        }

        void createRoom() {
            List<Member> owners = oracle.members.values().stream().filter(m -> m.active() && !m.external()).toList();
            Role role = randomRole(false);
            Member owner = owners.get(random.nextInt(owners.size()));
            Map<String, Object> body = new HashMap<>(Map.of("name", "Room " + (++counter), "roleId", role.id(),
                    "ownerId", owner.id()));
            String office = null;
            if (classic) {
                List<String> offices = List.copyOf(roomsOf.keySet());
                office = offices.get(random.nextInt(offices.size()));
                body.put("officeId", Long.parseLong(office));
            }
            Http.Res res = expect(api.post(rooms(), body), 201, "create room " + body);
            String room = String.valueOf(res.get("roomId").longValue());
            Place place = new Place("room", room);
            oracle.assignments.computeIfAbsent(place, p -> new HashMap<>()).put(owner.id(), new Held(role.id(), null));
            roomOwners.put(room, new TreeSet<>(Set.of(owner.id())));
            if (classic) {
                oracle.recorded.put(place, new Place("office", office));
                roomsOf.get(office).add(room);
            }
        }

        void deleteRoom() {
            List<String> all = List.copyOf(roomOwners.keySet());
            if (all.isEmpty()) {
                return;
            }
            String room = all.get(random.nextInt(all.size()));
            expect(api.delete(rooms() + "/" + room), 204, "delete room " + room);
            Place place = new Place("room", room);
            oracle.assignments.remove(place);
            oracle.recorded.remove(place);
            roomOwners.remove(room);
            revoked.remove(place);
            roomsOf.values().forEach(r -> r.remove(room));
        }

        /** A place roles may be held on: a room, and on v5 the company, a region or an office. */
        Place holdingPlace() {
            List<Place> places = new ArrayList<>();
            roomOwners.keySet().forEach(r -> places.add(new Place("room", r)));
            if (classic) {
                places.add(new Place("company", "company"));
                officesOf.keySet().forEach(r -> places.add(new Place("region", r)));
                roomsOf.keySet().forEach(o -> places.add(new Place("office", o)));
            }
            return places.isEmpty() ? null : places.get(random.nextInt(places.size()));
        }

        boolean owns(long member, Place place) {
            return place.type().equals("room") && roomOwners.getOrDefault(place.id(), Set.of()).contains(member);
        }

        void assign() {
            Member m = randomMember();
            Place place = holdingPlace();
            if (m == null || place == null) {
                return;
            }
            boolean externalRole = m.external() || (external && random.nextInt(6) == 0);
            Role role = randomRole(externalRole);
            if (role == null) {
                return;
            }
            Map<String, Object> body = new HashMap<>(Map.of("role_id", role.id()));
            Instant end = null;
            if (random.nextInt(4) == 0) {
                end = clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(90)));
                body.put("expires_at", end.toString());
            }
            String what = "assign " + m.userId() + " role " + role.id() + " on " + place + " until " + end;
            Http.Res res = api.put(org.path() + "/resources/" + place.type() + "/" + place.id() + "/assignments/"
                    + m.id(), body);
            if (end != null && owns(m.id(), place)) {
                expectCode(res, 409, "room_owner", what + " (a room's owner keeps its role)");
                return;
            }
            if (revoked.getOrDefault(place, Map.of()).containsKey(m.id())) {
                expectCode(res, 409, "room_access_revoked", what + " (its access to the room is revoked)");
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
            String what = "unassign " + member + " on " + place;
            Http.Res res = api.delete(org.path() + "/resources/" + place.type() + "/" + place.id() + "/assignments/"
                    + member);
            if (owns(member, place)) {
                expectCode(res, 409, "room_owner", what + " (a room's owner keeps its role)");
                return;
            }
            if (lastRoleManager(o -> o.unassign(place, member), res, what)) {
                return;
            }
            expect(res, 204, what);
            oracle.unassign(place, member);
        }

        /**
         * Revokes a room user's access through the Rooms dialect, now (its role remembered) or at a later date (its
         * role ends then), or restores a revoked user (its remembered role back, without an end).
         */
        void revokeOrRestore() {
            List<Place> withRevoked = revoked.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                    .map(Map.Entry::getKey).toList();
            if (!withRevoked.isEmpty() && random.nextBoolean()) {
                Place place = withRevoked.get(random.nextInt(withRevoked.size()));
                List<Long> users = List.copyOf(new TreeSet<>(revoked.get(place).keySet()));
                long member = users.get(random.nextInt(users.size()));
                expect(api.post(rooms() + "/" + place.id() + "/users/" + member + "/restore_access", Map.of()), 204,
                        "restore access of " + member + " to " + place);
                long role = revoked.get(place).remove(member);
                oracle.assignments.computeIfAbsent(place, p -> new HashMap<>()).put(member, new Held(role, null));
                return;
            }
            List<Object[]> held = new ArrayList<>();
            oracle.assignments.forEach((place, h) -> {
                if (place.type().equals("room")) {
                    h.keySet().stream().sorted().forEach(member -> held.add(new Object[] {place, member}));
                }
            });
            if (held.isEmpty()) {
                return;
            }
            Object[] pick = held.get(random.nextInt(held.size()));
            Place place = (Place) pick[0];
            long member = (Long) pick[1];
            Instant at = random.nextInt(3) == 0 ? clock.instant().plus(Duration.ofMinutes(1 + random.nextInt(60))) : null;
            Map<String, Object> body = at == null ? Map.of() : Map.of("revocationDate", at.toString());
            String what = "revoke access of " + member + " to " + place + (at == null ? " now" : " at " + at);
            Http.Res res = api.post(rooms() + "/" + place.id() + "/users/" + member + "/revoke_access", body);
            if (owns(member, place)) {
                logWrite(what + " (its owner) -> " + res.status());
                if (res.status() != 409) {
                    fail(what + ": a room's owner keeps its access, expected 409, got " + res);
                }
                return;
            }
            expect(res, 204, what);
            Held before = oracle.assignment(place, member);
            if (at == null) {
                oracle.unassign(place, member);
                revoked.computeIfAbsent(place, p -> new HashMap<>()).put(member, before.roleId());
            } else {
                oracle.assignments.get(place).put(member, new Held(before.roleId(), at));
            }
        }

        /** Invites a v5 Admin, Manager (with an access level, offices, regions and flags) or Agent through Rooms. */
        void invite() {
            List<String> offices = List.copyOf(roomsOf.keySet());
            List<String> regions = List.copyOf(officesOf.keySet());
            String user = "u" + (++counter);
            Map<String, Object> body = new HashMap<>(Map.of("firstName", "First", "lastName", user, "email",
                    user + "@example.com"));
            String kind = List.of("admin", "manager", "manager", "agent").get(random.nextInt(4));
            String office = offices.get(random.nextInt(offices.size()));
            Profile profile;
            Set<String> flags = new LinkedHashSet<>();
            if (kind.equals("admin")) {
                profile = new Profile("Admin", null, new TreeSet<>(BY_NUMBER), new TreeSet<>(BY_NUMBER));
            } else if (kind.equals("agent")) {
                body.put("officeId", Long.parseLong(office));
                profile = new Profile("Contributor", office, new TreeSet<>(BY_NUMBER), new TreeSet<>(BY_NUMBER));
            } else {
                String level = List.of("Office", "Region", "Company").get(random.nextInt(3));
                Set<String> mine = new TreeSet<>(BY_NUMBER);
                Set<String> theirRegions = new TreeSet<>(BY_NUMBER);
                offices.stream().filter(o -> random.nextInt(3) == 0).forEach(mine::add);
                regions.stream().filter(r -> random.nextInt(3) == 0).forEach(theirRegions::add);
                if (level.equals("Office") && mine.isEmpty()) {
                    mine.add(office);
                }
                if (level.equals("Region") && theirRegions.isEmpty()) {
                    theirRegions.add(regions.get(random.nextInt(regions.size())));
                }
                Map<String, Object> permissions = new HashMap<>();
                for (String p : oracle.model.permissions()) {
                    if (oracle.model.grantable().contains(p) && random.nextInt(3) == 0) {
                        permissions.put(p, true);
                        flags.add(p);
                    }
                }
                body.putAll(Map.of("defaultOfficeId", Long.parseLong(office), "titleId", 1, "accessLevel", level,
                        "permissions", permissions, "offices", mine.stream().map(Long::parseLong).toList(),
                        "regions", theirRegions.stream().map(Long::parseLong).toList()));
                profile = new Profile(level, office, mine, theirRegions);
            }
            Http.Res res = expect(api.post("/restapi/v2/accounts/" + org.accountId() + "/users/invite_classic_" + kind,
                    body), 201, "invite " + kind + " " + body);
            long id = res.get("userId").longValue();
            JsonNode member = api.get(org.path() + "/members/" + id).json();
            long role = member.get("role_id").longValue();
            oracle.members.put(id, new Member(id, member.get("user_id").stringValue(), role, false, "invited"));
            oracle.grants.put(id, flags);
            profiles.put(id, profile);
            moveReach(id, null, profile);
        }

        /** Adds a v5 user to an office or region, or takes it out of one, through Rooms. */
        void reach() {
            List<Long> users = List.copyOf(profiles.keySet());
            if (users.isEmpty()) {
                return;
            }
            long id = users.get(random.nextInt(users.size()));
            Profile before = profiles.get(id);
            boolean office = random.nextBoolean();
            List<String> all = List.copyOf(office ? roomsOf.keySet() : officesOf.keySet());
            Set<String> mine = office ? before.offices() : before.regions();
            List<String> removable = mine.stream().filter(o -> !o.equals(before.defaultOffice())).toList();
            boolean add = removable.isEmpty() || random.nextBoolean();
            String place = add ? all.get(random.nextInt(all.size())) : removable.get(random.nextInt(removable.size()));
            Set<String> changed = new TreeSet<>(BY_NUMBER);
            changed.addAll(mine);
            if (add) {
                changed.add(place);
            } else {
                changed.remove(place);
            }
            Profile after = office ? new Profile(before.level(), before.defaultOffice(), changed, before.regions())
                    : new Profile(before.level(), before.defaultOffice(), before.offices(), changed);
            String type = office ? "office" : "region";
            expect(api.post("/restapi/v2/accounts/" + org.accountId() + "/users/" + id + "/" + (add ? "add_to_" : "remove_from_")
                    + type, Map.of(type + "Id", Long.parseLong(place))), 204, (add ? "add " : "remove ") + id + " "
                    + (add ? "to " : "from ") + type + " " + place);
            if (!changed.equals(mine)) {
                // a call that changes nothing records nothing: the reach is not given again
                profiles.put(id, after);
                moveReach(id, before, after);
            }
        }

        /**
         * A v5 Manager's or Admin's reach, as docs/dialects/rooms.md tells it: its role (the company role it holds now)
         * on each office of an Office-level Manager, each region of a Region-level one, the company for a Company-level
         * one or an Admin; places no longer reached lose the member's role, places reached get it (one held already
         * stays as it is).
         */
        void moveReach(long id, Profile before, Profile after) {
            Long role = oracle.members.get(id).roleId();
            Set<Place> old = before == null ? Set.of() : reachOf(role, before);
            Set<Place> now = reachOf(role, after);
            for (Place place : old) {
                if (!now.contains(place)) {
                    oracle.unassign(place, id);
                }
            }
            for (Place place : now) {
                Held held = oracle.assignment(place, id);
                if (held == null || held.roleId() != role) {
                    oracle.assignments.computeIfAbsent(place, p -> new HashMap<>()).put(id, new Held(role, null));
                }
            }
        }

        Set<Place> reachOf(Long role, Profile profile) {
            Set<Place> out = new LinkedHashSet<>();
            String name = role == null ? "" : oracle.roles.get(role).name();
            if (name.equals("Admin") && oracle.roles.get(role).system()) {
                out.add(new Place("company", "company"));
            } else if (name.equals("Manager") && oracle.roles.get(role).system()) {
                switch (profile.level()) {
                    case "Office" -> profile.offices().forEach(o -> out.add(new Place("office", o)));
                    case "Region" -> profile.regions().forEach(r -> out.add(new Place("region", r)));
                    case "Company", "Admin" -> out.add(new Place("company", "company"));
                    default -> {
                    }
                }
            }
            return out;
        }

        void region() {
            Http.Res res = expect(api.post(org.path() + "/regions", Map.of("name", "Region " + (++counter))), 201,
                    "create region");
            String region = String.valueOf(res.get("id").longValue());
            Place company = new Place("company", "company");
            if (!oracle.recorded.containsKey(company)) {
                // the company is recorded with the first region, and the Admins get the Admin role on it
                oracle.recorded.put(company, null);
                for (Member m : oracle.members.values()) {
                    if (Objects.equals(m.roleId(), adminRoleId)) {
                        oracle.assignments.computeIfAbsent(company, p -> new HashMap<>())
                                .put(m.id(), new Held(adminRoleId, null));
                    }
                }
            }
            oracle.recorded.put(new Place("region", region), company);
            officesOf.put(region, new TreeSet<>(BY_NUMBER));
        }

        void office() {
            List<String> regions = List.copyOf(officesOf.keySet());
            String region = regions.get(random.nextInt(regions.size()));
            Http.Res res = expect(api.post(org.path() + "/offices", Map.of("name", "Office " + (++counter),
                    "region_id", Long.parseLong(region))), 201, "create office in region " + region);
            String office = String.valueOf(res.get("id").longValue());
            oracle.recorded.put(new Place("office", office), new Place("region", region));
            officesOf.get(region).add(office);
            roomsOf.put(office, new TreeSet<>(BY_NUMBER));
        }

        void moveOffice() {
            List<String> offices = List.copyOf(roomsOf.keySet());
            List<String> regions = List.copyOf(officesOf.keySet());
            String office = offices.get(random.nextInt(offices.size()));
            String region = regions.get(random.nextInt(regions.size()));
            expect(api.patch(org.path() + "/offices/" + office, Map.of("region_id", Long.parseLong(region))), 200,
                    "move office " + office + " to region " + region);
            officesOf.values().forEach(o -> o.remove(office));
            officesOf.get(region).add(office);
            oracle.recorded.put(new Place("office", office), new Place("region", region));
        }

        /** Deletes an office or region: refused while it holds offices or rooms, else its roles go with it. */
        void deletePlace() {
            boolean office = random.nextBoolean();
            List<String> ids = List.copyOf(office ? roomsOf.keySet() : officesOf.keySet());
            String id = ids.get(random.nextInt(ids.size()));
            boolean named = profiles.values().stream().anyMatch(p -> office
                    ? p.offices().contains(id) || id.equals(p.defaultOffice()) : p.regions().contains(id));
            boolean inUse = named || (office ? !roomsOf.get(id).isEmpty() : !officesOf.get(id).isEmpty());
            String type = office ? "office" : "region";
            Http.Res res = api.delete(org.path() + "/" + type + "s/" + id);
            if (inUse) {
                expectCode(res, 409, type + "_in_use", "delete " + type + " " + id + " (still in use)");
                return;
            }
            expect(res, 204, "delete " + type + " " + id);
            Place place = new Place(type, id);
            oracle.assignments.remove(place);
            oracle.recorded.remove(place);
            if (office) {
                roomsOf.remove(id);
                officesOf.values().forEach(o -> o.remove(id));
            } else {
                officesOf.remove(id);
            }
        }

        void putGrants() {
            List<Member> taking = oracle.members.values().stream().filter(oracle::grantsCount).toList();
            Member m = taking.isEmpty() || random.nextInt(3) == 0 ? randomMember()
                    : taking.get(random.nextInt(taking.size()));
            if (m == null) {
                return;
            }
            Set<String> permissions = new LinkedHashSet<>();
            for (String p : oracle.model.permissions()) {
                if (oracle.model.grantable().contains(p) && random.nextInt(3) == 0) {
                    permissions.add(p);
                }
            }
            String what = "grants of " + m.userId() + " := " + permissions;
            Http.Res res = api.put(org.path() + "/members/" + m.id() + "/grants",
                    Map.of("permissions", List.copyOf(permissions)));
            if (!oracle.grantsCount(m)) {
                if (!permissions.isEmpty()) {
                    logWrite(what + " -> " + res.status());
                    if (res.status() < 400 || res.status() >= 500) {
                        fail(what + " (a member whose role takes no grants): expected a refusal, got " + res);
                    }
                    return;
                }
            }
            if (lastRoleManager(o -> o.grants.put(m.id(), permissions), res, what)) {
                return;
            }
            if (res.status() != 200 && permissions.isEmpty()) {
                logWrite(what + " -> " + res.status() + " " + res.get("code"));
                return;
            }
            expect(res, 200, what);
            oracle.grants.put(m.id(), permissions);
        }

        void advanceClock() {
            Duration by = Duration.ofMinutes(random.nextInt(40));
            clock.advance(by);
            node.node().expiry().runOnce();
            // a room role whose end came is a revocation: the user's access is revoked, its role remembered
            oracle.assignments.forEach((place, held) -> held.forEach((member, h) -> {
                if (place.type().equals("room") && h.expiresAt() != null && !h.expiresAt().isAfter(clock.instant())) {
                    revoked.computeIfAbsent(place, p -> new HashMap<>()).put(member, h.roleId());
                }
            }));
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

        void expectCode(Http.Res res, int status, String code, String what) {
            logWrite(what + " -> " + res.status());
            if (res.status() != status || !code.equals(res.get("code").stringValue())) {
                fail("write " + what + ": expected " + status + " " + code + ", got " + res);
            }
        }

        void logWrite(String line) {
            log.add(step + ": " + line);
        }

        void fail(String message) {
            StringBuilder text = new StringBuilder(modelId + " seed " + seed + ", step " + step + ": " + message
                    + "\n(rerun with -Dgatehouse.oracle.builtin.seed=" + seed + " -Dgatehouse.oracle.builtin.steps="
                    + step + ")\nwrites:\n");
            log.subList(Math.max(0, log.size() - Integer.getInteger("gatehouse.oracle.builtin.log", 60)), log.size()).forEach(l -> text.append("  ").append(l).append('\n'));
            throw new AssertionError(text.toString());
        }

        // ---------------------------------------------------------------- reads

        List<Place> placesToAsk() {
            Set<Place> places = new LinkedHashSet<>();
            places.add(null);
            for (int i = 0; i < 3; i++) {
                Place place = holdingPlace();
                if (place != null) {
                    places.add(place);
                }
            }
            if (rooms) {
                places.add(new Place("room", "999999"));
            }
            return new ArrayList<>(places);
        }

        /** A sample of the permissions that apply on the place: the built-in models hold dozens. */
        List<String> samplePermissions(Place place) {
            List<String> all = new ArrayList<>(ask.permissionsOn(place));
            java.util.Collections.shuffle(all, random);
            return all.subList(0, Math.min(all.size(), 10));
        }

        /** A sample of the permissions that apply on the place, each for every member. */
        List<Question> questionsAt(Place place) {
            List<Question> questions = new ArrayList<>();
            for (String permission : samplePermissions(place)) {
                for (Member m : oracle.members.values()) {
                    questions.add(new Question(m, permission, place));
                }
            }
            return questions;
        }

        void verify() {
            ask.checkAll(placesToAsk());
            List<Member> all = List.copyOf(oracle.members.values());
            List<Place> places = placesToAsk();
            Member who = all.get(random.nextInt(all.size()));
            ask.effectivePermissions(who, null);
            ask.effectivePermissions(who, places.get(random.nextInt(places.size())));
            for (String type : oracle.model.types()) {
                ask.lookupResources(all.get(random.nextInt(all.size())), type,
                        samplePermissions(new Place(type, "x")), 3);
            }
            Place where = places.get(random.nextInt(places.size()));
            ask.lookupMembers(where, samplePermissions(where));
            ask.visibility(all.get(random.nextInt(all.size())));
        }
    }
}
