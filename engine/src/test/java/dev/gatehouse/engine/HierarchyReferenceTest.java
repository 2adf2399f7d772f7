package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against a straightforward reference implementation of the decision rule (maps and a walk up the
 * parents, no indexes), over random hierarchies, moves, roles (some taking per-member grants), members, grants
 * (some of permissions the catalog does not allow as grants) and assignments: every check, explanation,
 * effective permission set and both lookups (paged at random sizes) must agree, and an engine rebuilt from the
 * final state must have the digest of the one changed step by step. Seeds are fixed, so a failure names one
 * that reproduces it.
 */
class HierarchyReferenceTest {

    static final long ORG = 7;
    static final List<String> TYPES = List.of("region", "office", "room", "tag");
    static final Map<String, String> PARENT_TYPE = Map.of("office", "region", "room", "office");
    static final List<String> PERMISSIONS = List.of("p0", "p1", "p2", "p3");
    static final Set<String> GRANTABLE = Set.of("p1", "p2");
    /** System role keys whose members' grants count; a role's key is "k" + a role id, or none (a custom role). */
    static final Set<String> GRANT_ROLES = Set.of("k10", "k11", "k12");
    static final int IDS_PER_TYPE = 6;
    static final long FIRST_ROLE = 10;
    static final int ROLES = 4;
    static final long FIRST_MEMBER = 100;
    static final int MEMBERS = 6;

    @Test
    void theEngine_agreesWithTheReference_overRandomHierarchies() {
        for (long seed = 1; seed <= 40; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        Random random = new Random(seed);
        Map<String, Boolean> inherits = new HashMap<>();
        List<Catalog.ResourceType> types = new ArrayList<>();
        for (String type : TYPES) {
            inherits.put(type, random.nextBoolean());
            types.add(new Catalog.ResourceType(type, inherits.get(type), PARENT_TYPE.get(type)));
        }
        Catalog catalog = new Catalog("random", PERMISSIONS.stream()
                .map(p -> new Catalog.Permission(p, Set.copyOf(TYPES))).toList(), types,
                new Catalog.MemberGrants(GRANTABLE, GRANT_ROLES));
        EngineBuilder builder = DecisionEngine.builder(catalog).organization(ORG, "random");
        Reference ref = new Reference(inherits);
        for (int step = 0; step < 150; step++) {
            EngineOp op = randomOp(random, ref);
            builder.apply(op);
            ref.apply(op);
            if (step % 30 == 29) {
                compare("seed " + seed + " step " + step, builder.build(), ref, random);
            }
        }
        EngineBuilder rebuilt = DecisionEngine.builder(catalog).organization(ORG, "random");
        ref.snapshot().forEach(rebuilt::apply);
        assertThat(rebuilt.build().digest()).as("seed " + seed + ": rebuilt and incremental digests")
                .isEqualTo(builder.build().digest());
        compare("seed " + seed + " rebuilt", rebuilt.build(), ref, random);
    }

    private static EngineOp randomOp(Random random, Reference ref) {
        long member = FIRST_MEMBER + random.nextInt(MEMBERS);
        long role = FIRST_ROLE + random.nextInt(ROLES);
        String type = TYPES.get(random.nextInt(TYPES.size()));
        String id = id(type, random.nextInt(IDS_PER_TYPE));
        int kind = ref.roles.size() < ROLES || ref.members.size() < 2 ? random.nextInt(2) : random.nextInt(12);
        return switch (kind) {
            case 0 -> {
                List<String> granted = PERMISSIONS.stream().filter(p -> random.nextInt(3) > 0).toList();
                yield new EngineOp.PutRole(ORG, role, "role " + role, granted, false, null,
                        random.nextInt(3) == 0 ? null : "k" + (role + random.nextInt(2)));
            }
            case 10, 11 -> new EngineOp.PutGrants(ORG, member,
                    PERMISSIONS.stream().filter(p -> random.nextInt(3) == 0).toList());
            case 1 -> {
                boolean external = random.nextInt(4) == 0;
                yield new EngineOp.PutMember(ORG, member, "user" + member, external ? 0 : role, external,
                        random.nextInt(6) > 0);
            }
            case 2, 3, 4 -> new EngineOp.PutAssignment(ORG, type, id, member, role);
            case 5 -> new EngineOp.RemoveAssignment(ORG, type, id, member);
            case 6, 7 -> {
                String parentType = PARENT_TYPE.get(type);
                String parent = parentType == null || random.nextInt(5) == 0 ? null
                        : id(parentType, random.nextInt(IDS_PER_TYPE));
                yield new EngineOp.PutResource(ORG, type, id, parent);
            }
            case 8 -> new EngineOp.RemoveResource(ORG, type, id);
            default -> random.nextInt(3) == 0 ? new EngineOp.RemoveMember(ORG, member)
                    : new EngineOp.RemoveRole(ORG, role);
        };
    }

    private static String id(String type, int n) {
        return type.charAt(0) + String.valueOf(n);
    }

    private static void compare(String at, DecisionEngine engine, Reference ref, Random random) {
        for (long member : ref.members.keySet()) {
            for (String p : PERMISSIONS) {
                String what = at + ": member " + member + " " + p;
                assertThat(engine.check(ORG, member, p)).as(what).isEqualTo(ref.allows(member, p, null, null));
                for (String type : TYPES) {
                    List<String> expected = new ArrayList<>();
                    for (int n = 0; n < IDS_PER_TYPE; n++) {
                        String id = id(type, n);
                        String here = what + " on " + type + " " + id;
                        Reference.Found found = ref.decide(member, type, id);
                        boolean allowed = ref.allows(member, p, type, id);
                        assertThat(engine.check(ORG, member, p, type, id)).as(here).isEqualTo(allowed);
                        Decision d = engine.explain(ORG, member, p, type, id);
                        assertThat(d.allowed()).as(here).isEqualTo(allowed);
                        assertThat(d.path()).as(here).isEqualTo(ref.path(member, p, found));
                        assertThat(d.roleId()).as(here).isEqualTo(found.roleId());
                        assertThat(d.ancestor()).as(here).isEqualTo(found.ancestor());
                        assertThat(engine.permissions(ORG, member, type, id)).as(here)
                                .isEqualTo(ref.permissions(member, found));
                        if (allowed && found.path() != Decision.Path.COMPANY_ROLE) {
                            // an assignment decided, so no grant counted
                            expected.add(id);
                        }
                    }
                    assertThat(allResources(engine, member, p, type, 1 + random.nextInt(3)))
                            .as(what + " lookup/resources " + type).isEqualTo(expected.stream().sorted().toList());
                    assertThat(engine.inheritsOnUnassigned(ORG, member, p, type)).as(what + " unassigned " + type)
                            .isEqualTo(ref.allows(member, p, type, null));
                }
            }
        }
        for (String p : PERMISSIONS) {
            for (String type : TYPES) {
                for (int n = 0; n < IDS_PER_TYPE; n++) {
                    String id = id(type, n);
                    List<Long> expected = ref.members.keySet().stream().sorted()
                            .filter(m -> ref.allows(m, p, type, id)).toList();
                    assertThat(allMembers(engine, p, type, id, 1 + random.nextInt(3)))
                            .as(at + ": lookup/members " + p + " on " + type + " " + id).isEqualTo(expected);
                }
            }
        }
    }

    private static List<String> allResources(DecisionEngine engine, long member, String p, String type, int limit) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<String> page = engine.lookupResources(ORG, member, p, type, cursor, limit);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    private static List<Long> allMembers(DecisionEngine engine, String p, String type, String id, int limit) {
        List<Long> all = new ArrayList<>();
        Long cursor = null;
        do {
            Page<Long> page = engine.lookupMembers(ORG, p, type, id, cursor, limit);
            all.addAll(page.items());
            cursor = page.nextCursor() == null ? null : Long.valueOf(page.nextCursor());
        } while (cursor != null);
        return all;
    }

    /** The rule, written the plain way: maps keyed by text, a walk up the parents, no indexes. */
    private static final class Reference {
        final Map<String, Boolean> inherits;
        final Map<Long, List<String>> roles = new TreeMap<>();
        /** role → its system key (absent for a custom role). */
        final Map<Long, String> keys = new TreeMap<>();
        /** member → its grants as put (grantable or not: the reference filters when it decides). */
        final Map<Long, List<String>> grants = new TreeMap<>();
        final Map<Long, EngineOp.PutMember> members = new TreeMap<>();
        /** "type/id" → parent id (of the parent type). */
        final Map<String, String> parents = new TreeMap<>();
        /** "type/id/member" → role. */
        final Map<String, EngineOp.PutAssignment> assignments = new TreeMap<>();

        Reference(Map<String, Boolean> inherits) {
            this.inherits = inherits;
        }

        void apply(EngineOp op) {
            if (op instanceof EngineOp.PutRole r) {
                roles.put(r.roleId(), r.permissions());
                if (r.key() == null) {
                    keys.remove(r.roleId());
                } else {
                    keys.put(r.roleId(), r.key());
                }
            } else if (op instanceof EngineOp.RemoveRole r) {
                roles.remove(r.roleId());
                keys.remove(r.roleId());
            } else if (op instanceof EngineOp.PutGrants g) {
                if (g.permissions().stream().anyMatch(GRANTABLE::contains)) {
                    grants.put(g.memberId(), g.permissions());
                } else {
                    grants.remove(g.memberId());
                }
            } else if (op instanceof EngineOp.PutMember m) {
                members.put(m.memberId(), m);
            } else if (op instanceof EngineOp.RemoveMember m) {
                // removing a member drops its assignments; removing one that is absent changes nothing
                if (members.remove(m.memberId()) != null) {
                    grants.remove(m.memberId());
                    assignments.values().removeIf(a -> a.memberId() == m.memberId());
                }
            } else if (op instanceof EngineOp.PutAssignment a) {
                assignments.put(a.resourceType() + "/" + a.resourceId() + "/" + a.memberId(), a);
            } else if (op instanceof EngineOp.RemoveAssignment a) {
                assignments.remove(a.resourceType() + "/" + a.resourceId() + "/" + a.memberId());
            } else if (op instanceof EngineOp.PutResource r) {
                if (r.parentId() == null) {
                    parents.remove(r.resourceType() + "/" + r.resourceId());
                } else {
                    parents.put(r.resourceType() + "/" + r.resourceId(), r.parentId());
                }
            } else if (op instanceof EngineOp.RemoveResource r) {
                parents.remove(r.resourceType() + "/" + r.resourceId());
            }
        }

        record Found(Decision.Path path, Long roleId, Decision.Resource ancestor) {
        }

        Found decide(long memberId, String type, String id) {
            EngineOp.PutMember member = members.get(memberId);
            if (!member.active()) {
                return new Found(Decision.Path.NONE, null, null);
            }
            if (type != null) {
                String t = type;
                String i = id;
                while (t != null && i != null) {
                    EngineOp.PutAssignment a = assignments.get(t + "/" + i + "/" + memberId);
                    if (a != null) {
                        return t.equals(type) && i.equals(id) ? new Found(Decision.Path.RESOURCE_ROLE, a.roleId(), null)
                                : new Found(Decision.Path.PARENT_RESOURCE_ROLE, a.roleId(),
                                new Decision.Resource(t, i));
                    }
                    i = PARENT_TYPE.containsKey(t) ? parents.get(t + "/" + i) : null;
                    t = PARENT_TYPE.get(t);
                }
                if (!inherits.get(type)) {
                    return new Found(Decision.Path.NONE, null, null);
                }
            }
            return member.roleId() == 0 ? new Found(Decision.Path.NONE, null, null)
                    : new Found(Decision.Path.COMPANY_ROLE, member.roleId(), null);
        }

        boolean allows(long memberId, String p, String type, String id) {
            return permissions(memberId, decide(memberId, type, id)).contains(p);
        }

        /** The deciding role's permissions, with the member's grantable grants where its company role takes them. */
        List<String> permissions(long memberId, Found found) {
            if (found.roleId() == null || !roles.containsKey(found.roleId())) {
                return List.of();
            }
            List<String> held = roles.get(found.roleId());
            boolean withGrants = found.path() == Decision.Path.COMPANY_ROLE
                    && keys.containsKey(found.roleId()) && GRANT_ROLES.contains(keys.get(found.roleId()));
            List<String> granted = withGrants ? grants.getOrDefault(memberId, List.of()) : List.of();
            return PERMISSIONS.stream()
                    .filter(p -> held.contains(p) || (granted.contains(p) && GRANTABLE.contains(p))).toList();
        }

        /** The explanation's path: a company-role decision the role itself does not allow is a grant's. */
        Decision.Path path(long memberId, String p, Found found) {
            boolean byRole = found.roleId() != null && roles.getOrDefault(found.roleId(), List.of()).contains(p);
            if (found.path() == Decision.Path.COMPANY_ROLE && !byRole && permissions(memberId, found).contains(p)) {
                return Decision.Path.MEMBER_GRANT;
            }
            return found.path();
        }

        /** The state as operations, the way a loader would read it from tables. */
        List<EngineOp> snapshot() {
            List<EngineOp> ops = new ArrayList<>();
            roles.forEach((id, permissions) -> ops.add(new EngineOp.PutRole(ORG, id, "role " + id, permissions,
                    false, null, keys.get(id))));
            ops.addAll(members.values());
            grants.forEach((member, permissions) -> ops.add(new EngineOp.PutGrants(ORG, member, permissions)));
            parents.forEach((key, parent) -> {
                String[] parts = key.split("/");
                ops.add(new EngineOp.PutResource(ORG, parts[0], parts[1], parent));
            });
            ops.addAll(assignments.values());
            return ops;
        }
    }
}
