package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine over its packed member and resource tables: many resource types holding the same resource ids,
 * members renamed, deactivated, given grants and removed, checked against a plain reference after every step of a
 * random history, and the state changed step by step digesting like the same state loaded at once.
 */
class PackedTablesTest {

    private static final long ORG = 1;
    private static final int TYPES = 24;
    private static final int MEMBERS = 40;
    private static final int IDS = 30;
    /** Role r (1..3) grants permissions p0..p(r-1); role 4 grants none. */
    private static final int ROLES = 4;
    private static final List<String> PERMISSIONS = List.of("p0", "p1", "p2");

    private static String type(int t) {
        return "type" + t;
    }

    private static Catalog catalog() {
        Set<String> all = new java.util.HashSet<>();
        List<Catalog.ResourceType> types = new ArrayList<>();
        for (int t = 0; t < TYPES; t++) {
            all.add(type(t));
            types.add(new Catalog.ResourceType(type(t), t % 2 == 0));
        }
        return new Catalog("packed", PERMISSIONS.stream().map(p -> new Catalog.Permission(p, all)).toList(), types,
                new Catalog.MemberGrants(Set.of("p1", "p2"), Set.of("member")));
    }

    private static final class Reference {
        final Map<Long, long[]> members = new HashMap<>(); // id -> {role, active}
        final Map<Long, String> userIds = new HashMap<>();
        final Map<Long, Set<Integer>> grants = new HashMap<>();
        final Map<String, Long> assignments = new HashMap<>(); // type/id/member -> role

        boolean check(long member, int p, String type, String id) {
            long[] m = members.get(member);
            if (m[1] == 0) {
                return false;
            }
            long role;
            if (type == null) {
                role = m[0];
            } else {
                Long assigned = assignments.get(type + "/" + id + "/" + member);
                if (assigned != null) {
                    return rank(assigned) > p;
                }
                role = Integer.parseInt(type.substring(4)) % 2 == 0 ? m[0] : 0;
            }
            if (role == 0) {
                return false;
            }
            return rank(role) > p || (role == 1 && grants.getOrDefault(member, Set.of()).contains(p));
        }

        private static int rank(long role) {
            return role == 4 ? 0 : (int) role;
        }
    }

    @Test
    void manyTypes_randomHistory_agreesWithTheReference_andDigestsLikeALoad() {
        Random random = new Random(20261202);
        EngineBuilder builder = DecisionEngine.builder(catalog()).organization(ORG, "packed");
        for (int r = 1; r <= ROLES; r++) {
            List<String> granted = PERMISSIONS.subList(0, r == 4 ? 0 : r);
            if (r == 1) {
                builder.systemRole(ORG, r, "member", "Member", granted);
            } else {
                builder.role(ORG, r, "role" + r, granted);
            }
        }
        DecisionEngine engine = builder.build();
        Reference ref = new Reference();
        for (int step = 0; step < 6_000; step++) {
            long member = 1 + random.nextInt(MEMBERS);
            String type = type(random.nextInt(TYPES));
            String id = random.nextBoolean() ? "r" + random.nextInt(IDS) : "資" + random.nextInt(IDS);
            int kind = random.nextInt(10);
            if (kind == 0 || !ref.members.containsKey(member)) {
                long role = random.nextInt(ROLES + 1);
                boolean active = random.nextInt(5) != 0;
                String userId = "u" + member + (random.nextInt(4) == 0 ? "-" + step : "");
                builder.writer().apply(new EngineOp.PutMember(ORG, member, userId, role, role == 0, active));
                String previous = ref.userIds.put(member, userId);
                ref.members.put(member, new long[] {role, active ? 1 : 0});
                assertThat(engine.findMemberId(ORG, userId)).isEqualTo(member);
                if (previous != null && !previous.equals(userId)) {
                    assertThat(engine.findMemberId(ORG, previous)).isNull();
                }
            } else if (kind == 1) {
                builder.writer().apply(new EngineOp.RemoveMember(ORG, member));
                ref.members.remove(member);
                assertThat(engine.findMemberId(ORG, ref.userIds.remove(member))).isNull();
                ref.grants.remove(member);
                ref.assignments.keySet().removeIf(k -> k.endsWith("/" + member));
                assertThat(engine.hasMember(ORG, member)).isFalse();
                assertThatThrownBy(() -> engine.check(ORG, member, "p0"))
                        .isInstanceOf(EngineException.UnknownMember.class);
                continue;
            } else if (kind == 2) {
                List<String> granted = random.nextBoolean() ? List.of() : List.of(PERMISSIONS.get(1 + random.nextInt(2)));
                builder.writer().apply(new EngineOp.PutGrants(ORG, member, granted));
                if (granted.isEmpty()) {
                    ref.grants.remove(member);
                } else {
                    ref.grants.put(member, Set.of(PERMISSIONS.indexOf(granted.get(0))));
                }
            } else if (kind < 7) {
                long role = 1 + random.nextInt(ROLES);
                builder.writer().apply(new EngineOp.PutAssignment(ORG, type, id, member, role));
                ref.assignments.put(type + "/" + id + "/" + member, role);
            } else {
                builder.writer().apply(new EngineOp.RemoveAssignment(ORG, type, id, member));
                ref.assignments.remove(type + "/" + id + "/" + member);
            }
            int p = random.nextInt(PERMISSIONS.size());
            assertThat(engine.check(ORG, member, PERMISSIONS.get(p)))
                    .as("step %d: member %d, %s", step, member, PERMISSIONS.get(p))
                    .isEqualTo(ref.check(member, p, null, null));
            for (int t = 0; t < 3; t++) {
                String askedType = t == 0 ? type : type(random.nextInt(TYPES));
                assertThat(engine.check(ORG, member, PERMISSIONS.get(p), askedType, id))
                        .as("step %d: member %d, %s on %s %s", step, member, PERMISSIONS.get(p), askedType, id)
                        .isEqualTo(ref.check(member, p, askedType, id));
            }
        }
        // every member, type and id once more, and who may do p0 on each resource of type1 (assignments only)
        for (long member : ref.members.keySet()) {
            for (int t = 0; t < TYPES; t++) {
                for (int i = 0; i < IDS; i++) {
                    for (String id : List.of("r" + i, "資" + i)) {
                        assertThat(engine.check(ORG, member, "p1", type(t), id)).isEqualTo(ref.check(member, 1, type(t), id));
                    }
                }
            }
        }
        for (int i = 0; i < IDS; i++) {
            String id = "r" + i;
            List<Long> expected = ref.members.keySet().stream().sorted().filter(m -> ref.check(m, 0, type(1), id))
                    .toList();
            assertThat(engine.lookupMembers(ORG, "p0", type(1), id, null, 1_000).items()).isEqualTo(expected);
        }

        EngineBuilder loaded = DecisionEngine.builder(catalog()).organization(ORG, "packed");
        for (int r = 1; r <= ROLES; r++) {
            List<String> granted = PERMISSIONS.subList(0, r == 4 ? 0 : r);
            if (r == 1) {
                loaded.systemRole(ORG, r, "member", "Member", granted);
            } else {
                loaded.role(ORG, r, "role" + r, granted);
            }
        }
        ref.members.forEach((member, m) -> loaded.writer().apply(new EngineOp.PutMember(ORG, member,
                ref.userIds.get(member), m[0], m[0] == 0, m[1] == 1)));
        ref.grants.forEach((member, granted) -> loaded.writer().apply(new EngineOp.PutGrants(ORG, member,
                granted.stream().map(PERMISSIONS::get).toList())));
        ref.assignments.forEach((key, role) -> {
            String[] parts = key.split("/");
            loaded.writer().apply(new EngineOp.PutAssignment(ORG, parts[0], parts[1], Long.parseLong(parts[2]), role));
        });
        assertThat(loaded.build().digest()).isEqualTo(engine.digest());
    }
}
