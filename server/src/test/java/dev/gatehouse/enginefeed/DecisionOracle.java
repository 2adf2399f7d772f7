package dev.gatehouse.enginefeed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The decision semantics of docs/api.md ("Decisions", "Resource hierarchy", "Per-member grants", record visibility)
 * written out as plainly as they read, over a {@link Model} — the {@code oracle} test model ({@code models/oracle.json})
 * by default, or a built-in one as {@code GET /v1/orgs/{org}/model} shows it: the state an organization holds after a
 * sequence of writes, and what every decision route must answer about it. It shares no code with the engine, so
 * {@link DecisionOracleIT} and {@link BuiltInModelOracleIT} can hold the server to it. Not thread-safe.
 */
final class DecisionOracle {

    /** The model's permissions, in its order (effective permissions are listed in it). */
    static final List<String> PERMISSIONS = List.of("proj.view", "proj.edit", "doc.read", "doc.write", "doc.share",
            "admin", "records.all");
    static final Map<String, Set<String>> SCOPES = Map.of(
            "proj.view", Set.of("organization", "area", "space", "project"),
            "proj.edit", Set.of("organization", "project"),
            "doc.read", Set.of("organization", "folder", "doc"),
            "doc.write", Set.of("organization", "folder", "doc"),
            "doc.share", Set.of("folder", "doc"),
            "admin", Set.of("organization"),
            "records.all", Set.of("organization"));
    static final List<String> TYPES = List.of("area", "space", "project", "folder", "doc");
    static final Map<String, String> PARENT_TYPE = Map.of("space", "area", "project", "space", "doc", "folder");
    static final Set<String> INHERITS = Set.of("area", "project", "doc");
    static final List<String> GRANTABLE = List.of("proj.edit", "doc.write", "doc.share", "admin");
    static final String SEES_ALL = "records.all";

    /**
     * What the semantics need of a model: its permissions in order and their scopes, its resource types (parent
     * type, whether the company role applies), what may be granted, the "sees all" permission (null: the model has
     * no visibility rule, and every company role sees all records) and the permission that manages roles.
     */
    record Model(List<String> permissions, Map<String, Set<String>> scopes, List<String> types,
                 Map<String, String> parentType, Set<String> inherits, Set<String> grantable, String seesAll,
                 String manageRoles) {
        static final Model ORACLE = new Model(PERMISSIONS, SCOPES, TYPES, PARENT_TYPE, INHERITS, Set.copyOf(GRANTABLE),
                SEES_ALL, "admin");

        /** The model as {@code GET /v1/models/{id}} shows it. */
        static Model of(JsonNode model) {
            List<String> permissions = new ArrayList<>();
            Map<String, Set<String>> scopes = new HashMap<>();
            for (JsonNode p : model.get("permissions")) {
                String key = p.get("key").stringValue();
                permissions.add(key);
                Set<String> in = new java.util.HashSet<>();
                JsonNode s = p.get("scopes");
                if (s == null || s.isNull()) {
                    in.add("organization");
                } else {
                    s.forEach(n -> in.add(n.stringValue()));
                }
                scopes.put(key, in);
            }
            List<String> types = new ArrayList<>();
            Map<String, String> parents = new HashMap<>();
            Set<String> inherits = new java.util.HashSet<>();
            for (JsonNode t : model.get("resource_types")) {
                String key = t.get("key").stringValue();
                types.add(key);
                if (t.hasNonNull("parent_type")) {
                    parents.put(key, t.get("parent_type").stringValue());
                }
                if (t.hasNonNull("inherits_company_role") && t.get("inherits_company_role").booleanValue()) {
                    inherits.add(key);
                }
            }
            Set<String> grantable = new java.util.HashSet<>();
            JsonNode grants = model.get("member_grants");
            if (grants != null && !grants.isNull()) {
                grants.get("permissions").forEach(n -> grantable.add(n.stringValue()));
            }
            JsonNode visibility = model.get("visibility");
            String seesAll = visibility == null || visibility.isNull() ? null
                    : visibility.get("sees_all_permission").stringValue();
            return new Model(permissions, scopes, types, parents, inherits, grantable, seesAll,
                    model.at("/management/roles").stringValue());
        }
    }

    record Role(long id, String name, boolean system, Set<String> permissions, boolean external, List<String> fields,
                boolean allowUnassigned) {
    }

    record Member(long id, String userId, Long roleId, boolean external, String status) {
        boolean active() {
            return status.equals("active");
        }

        Member with(Long role, String newStatus) {
            return new Member(id, userId, role, external, newStatus);
        }
    }

    record Place(String type, String id) {
        @Override
        public String toString() {
            return type + ":" + id;
        }
    }

    record Held(long roleId, Instant expiresAt) {
    }

    /** A decision: allowed, the path that decided, the deciding role (null for none) and the ancestor it sits on. */
    record Decision(boolean allowed, String path, Long roleId, Place ancestor) {
        static final Decision NONE = new Decision(false, "none", null, null);
    }

    /** Places by type, then id: shorter ids first (numeric ids in numeric order), then alphabetically. */
    static final java.util.Comparator<Place> PLACE_ORDER = java.util.Comparator.comparing(Place::type)
            .thenComparingInt((Place p) -> p.id().length()).thenComparing(Place::id);

    final Map<Long, Role> roles = new TreeMap<>();
    final Map<Long, Member> members = new TreeMap<>();
    final Map<Long, Set<String>> grants = new HashMap<>();
    /** Recorded resources and their parent (null: at the top). */
    final Map<Place, Place> recorded = new LinkedHashMap<>();
    final Map<Place, Map<Long, Held>> assignments = new TreeMap<>(PLACE_ORDER);
    /** The company roles whose members' grants count (the model's {@code member_grants.roles}). */
    final Set<Long> grantRoleIds = new java.util.HashSet<>();
    final Model model;

    DecisionOracle() {
        this(Model.ORACLE);
    }

    DecisionOracle(Model model) {
        this.model = model;
    }

    Held assignment(Place place, long memberId) {
        Map<Long, Held> here = assignments.get(place);
        return here == null ? null : here.get(memberId);
    }

    /** Grants count beside the company role only while that role is one the model names (Manager). */
    boolean grantsCount(Member m) {
        return !m.external() && m.roleId() != null && grantRoleIds.contains(m.roleId());
    }

    Set<String> companyPermissions(Member m) {
        Set<String> held = new LinkedHashSet<>(roles.get(m.roleId()).permissions());
        if (grantsCount(m)) {
            held.addAll(grants.getOrDefault(m.id(), Set.of()));
        }
        return held;
    }

    /** The member's role on the place or the nearest recorded ancestor holding one: {@code [place, held]}, or null. */
    Object[] decidingAssignment(long memberId, Place place) {
        for (Place at = place; at != null; at = recorded.get(at)) {
            Held held = assignment(at, memberId);
            if (held != null) {
                return new Object[] {at, held};
            }
        }
        return null;
    }

    Decision decide(long memberId, String permission, Place place) {
        Member m = members.get(memberId);
        if (!m.active()) {
            return Decision.NONE;
        }
        if (place != null) {
            Object[] deciding = decidingAssignment(memberId, place);
            if (deciding != null) {
                Place at = (Place) deciding[0];
                Held held = (Held) deciding[1];
                boolean own = at.equals(place);
                return new Decision(roles.get(held.roleId()).permissions().contains(permission),
                        own ? "resource_role" : "parent_resource_role", held.roleId(), own ? null : at);
            }
            if (!model.inherits().contains(place.type())) {
                return Decision.NONE;
            }
        }
        if (m.external()) {
            return Decision.NONE;
        }
        Role role = roles.get(m.roleId());
        if (role.permissions().contains(permission)) {
            return new Decision(true, "company_role", role.id(), null);
        }
        if (grantsCount(m) && grants.getOrDefault(memberId, Set.of()).contains(permission)) {
            return new Decision(true, "member_grant", role.id(), null);
        }
        return new Decision(false, "company_role", role.id(), null);
    }

    /** Effective permissions, in the model's order; on a place only those whose scopes include its type. */
    List<String> permissions(long memberId, Place place) {
        Member m = members.get(memberId);
        Set<String> held = Set.of();
        if (m.active()) {
            Object[] deciding = place == null ? null : decidingAssignment(memberId, place);
            if (deciding != null) {
                held = roles.get(((Held) deciding[1]).roleId()).permissions();
            } else if (!m.external() && (place == null || model.inherits().contains(place.type()))) {
                held = companyPermissions(m);
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : model.permissions()) {
            if (held.contains(p) && model.scopes().get(p).contains(place == null ? "organization" : place.type())) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@code lookup/resources}' items: ids of the type where the member's own or an ancestor's role grants it. */
    Set<String> lookupResources(long memberId, String permission, String type) {
        Set<Place> known = new LinkedHashSet<>(recorded.keySet());
        assignments.forEach((place, held) -> {
            if (held.containsKey(memberId)) {
                known.add(place);
            }
        });
        Set<String> ids = new java.util.TreeSet<>();
        for (Place place : known) {
            if (place.type().equals(type)) {
                Decision d = decide(memberId, permission, place);
                if (d.allowed() && !d.path().equals("company_role") && !d.path().equals("member_grant")) {
                    ids.add(place.id());
                }
            }
        }
        return ids;
    }

    /** {@code lookup/resources}' {@code all_unassigned}. */
    boolean allUnassigned(long memberId, String permission, String type) {
        Member m = members.get(memberId);
        return m.active() && !m.external() && model.inherits().contains(type)
                && companyPermissions(m).contains(permission);
    }

    Set<String> lookupMembers(String permission, Place place) {
        Set<String> users = new java.util.TreeSet<>();
        for (Member m : members.values()) {
            if (decide(m.id(), permission, place).allowed()) {
                users.add(m.userId());
            }
        }
        return users;
    }

    /** The company role whose visibility settings apply, or null when the member sees no records. */
    Role visibilityRole(long memberId) {
        Member m = members.get(memberId);
        return m.active() && !m.external() ? roles.get(m.roleId()) : null;
    }

    boolean visible(long memberId, Map<String, List<String>> fields) {
        Role role = visibilityRole(memberId);
        if (role == null) {
            return false;
        }
        if (seesAll(role)) {
            return true;
        }
        String user = members.get(memberId).userId();
        boolean anyone = false;
        for (String field : role.fields()) {
            List<String> holders = fields.getOrDefault(field, List.of());
            if (holders.contains(user)) {
                return true;
            }
            anyone |= !holders.isEmpty();
        }
        return !anyone && role.allowUnassigned();
    }

    /** Whether the role sees every record: it holds the "sees all" permission, or the model has no visibility rule. */
    boolean seesAll(Role role) {
        return model.seesAll() == null || role.permissions().contains(model.seesAll());
    }

    boolean roleHeld(long roleId) {
        return members.values().stream().anyMatch(m -> Objects.equals(m.roleId(), roleId))
                || assignments.values().stream().anyMatch(h -> h.values().stream().anyMatch(a -> a.roleId() == roleId));
    }

    boolean hasChildren(Place place) {
        return recorded.containsValue(place);
    }

    void removeMember(long memberId) {
        members.remove(memberId);
        grants.remove(memberId);
        assignments.values().forEach(h -> h.remove(memberId));
    }

    void unassign(Place place, long memberId) {
        Map<Long, Held> here = assignments.get(place);
        if (here != null) {
            here.remove(memberId);
        }
    }

    /** How many active members may manage roles (the model's {@code admin}), by company role or grant. */
    long roleManagers() {
        return members.values().stream().filter(m -> m.active() && !m.external()
                && companyPermissions(m).contains(model.manageRoles())).count();
    }

    /** A copy to change for a what-if, sharing nothing mutable with this one. */
    DecisionOracle copy() {
        DecisionOracle copy = new DecisionOracle(model);
        copy.roles.putAll(roles);
        copy.members.putAll(members);
        grants.forEach((m, g) -> copy.grants.put(m, Set.copyOf(g)));
        copy.recorded.putAll(recorded);
        assignments.forEach((place, held) -> copy.assignments.put(place, new HashMap<>(held)));
        copy.grantRoleIds.addAll(grantRoleIds);
        return copy;
    }

    /**
     * What a change from this state to {@code after} does, as a preview lists it: per permission and place
     * ({@code organization}, {@code resource type id}, {@code unassigned type}) the user ids gaining
     * ({@code gains}) and losing ({@code losses}). A resource counts as its own place where the member's own or an
     * ancestor's role decides there, before or after; elsewhere the company role decides, and its change is the
     * {@code unassigned} effect of the type.
     */
    Map<String, Map<String, Set<String>>> effects(DecisionOracle after) {
        Map<String, Map<String, Set<String>>> out = Map.of("gains", new TreeMap<>(), "losses", new TreeMap<>());
        Set<Place> places = new LinkedHashSet<>(recorded.keySet());
        places.addAll(after.recorded.keySet());
        places.addAll(assignments.keySet());
        places.addAll(after.assignments.keySet());
        for (Member m : members.values()) {
            for (String p : model.permissions()) {
                if (model.scopes().get(p).contains("organization")) {
                    effect(out, p, "organization", m.userId(), decide(m.id(), p, null).allowed(),
                            after.decide(m.id(), p, null).allowed());
                }
                for (String type : model.inherits()) {
                    if (model.scopes().get(p).contains(type)) {
                        effect(out, p, "unassigned " + type, m.userId(), allUnassigned(m.id(), p, type),
                                after.allUnassigned(m.id(), p, type));
                    }
                }
                for (Place place : places) {
                    if (model.scopes().get(p).contains(place.type()) && (decidingAssignment(m.id(), place) != null
                            || after.decidingAssignment(m.id(), place) != null)) {
                        effect(out, p, "resource " + place.type() + " " + place.id(), m.userId(),
                                decide(m.id(), p, place).allowed(), after.decide(m.id(), p, place).allowed());
                    }
                }
            }
        }
        return out;
    }

    private static void effect(Map<String, Map<String, Set<String>>> out, String permission, String where,
                               String user, boolean before, boolean after) {
        if (before != after) {
            out.get(after ? "gains" : "losses").computeIfAbsent(permission + " @ " + where,
                    k -> new java.util.TreeSet<>()).add(user);
        }
    }

    /** Ends every time-bound role whose end the clock has reached. */
    void expire(Instant now) {
        assignments.values().forEach(h -> h.values().removeIf(a -> a.expiresAt() != null && !a.expiresAt().isAfter(now)));
    }
}
