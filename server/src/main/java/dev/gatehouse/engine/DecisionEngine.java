package dev.gatehouse.engine;

import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.PermissionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The in-memory decision engine: per-organization indexes of roles, members and resource assignments,
 * answering "may this member do this, here?" without locks, I/O or allocation.
 *
 * <p><b>State enters one way.</b> Writes arrive as committed change records ({@link #onChange}) in revision
 * order, or through the {@code put…}/{@code remove…} methods when loading a snapshot at startup or when
 * the engine is used as a plain library. All writers are serialized on this object's monitor; readers take
 * no lock and see each single write atomically (an entry is replaced, never mutated).
 *
 * <p><b>Decision semantics</b> (DESIGN §3): an inactive member is denied; with a resource, an assignment on
 * it decides entirely; without one, an internal member falls back to the company role only where the
 * resource type inherits company roles; without a resource, internal members use the company role and
 * external members are denied. Unknown organizations and members are {@link NotFoundException}s, unknown
 * permissions and resource types {@link InvalidInputException}s, never a silent {@code false}.
 */
public final class DecisionEngine implements ChangeListener {

    private final Function<String, PermissionModel> models;
    /** Replaced as a whole only by {@link #replaceWith}; otherwise changed in place by the writers. */
    private volatile LongMap<OrgState> orgs = new LongMap<>(1024);
    private volatile long revision;

    /** @param models resolves a model id to its model; called only when an organization is added */
    public DecisionEngine(Function<String, PermissionModel> models) {
        this.models = models;
    }

    /** The revision of the last change applied. */
    public long revision() {
        return revision;
    }

    // ---------------------------------------------------------------- decisions (lock-free)

    /** Organization-wide check. */
    public boolean check(long orgId, long memberId, String permission) {
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        int p = permission(org, permission);
        if (!member.active() || member.roleId() == 0L) {
            return false;
        }
        RoleEntry role = org.roles.get(member.roleId());
        return role != null && role.grants(p);
    }

    /** Check on a resource; {@code resourceType == null} means organization-wide. */
    public boolean check(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        if (resourceType == null) {
            return check(orgId, memberId, permission);
        }
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        int p = permission(org, permission);
        ResourceIndex index = resourceIndex(org, resourceType, p);
        if (!member.active()) {
            return false;
        }
        ResourceEntry entry = index.resource(resourceId);
        long roleId = entry == null ? 0L : entry.roleOf(memberId);
        if (roleId == 0L) {
            if (member.roleId() == 0L || !org.inherits.get(resourceType)) {
                return false;
            }
            roleId = member.roleId();
        }
        RoleEntry role = org.roles.get(roleId);
        return role != null && role.grants(p);
    }

    /** The same decision as {@link #check}, with the role and path that made it. */
    public Decision explain(long orgId, long memberId, String permission, String resourceType, String resourceId) {
        long at = revision;
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        int p = permission(org, permission);
        ResourceIndex index = resourceType == null ? null : resourceIndex(org, resourceType, p);
        if (!member.active()) {
            return new Decision(false, Decision.Path.NONE, null, "member " + memberId + " is deactivated", at);
        }
        if (index != null) {
            ResourceEntry entry = index.resource(resourceId);
            long roleId = entry == null ? 0L : entry.roleOf(memberId);
            if (roleId != 0L) {
                return decided(org, roleId, p, Decision.Path.RESOURCE_ROLE,
                        "the member's role on " + resourceType + " " + resourceId, permission, at);
            }
            if (member.roleId() == 0L) {
                return new Decision(false, Decision.Path.NONE, null, "external member with no role on "
                        + resourceType + " " + resourceId, at);
            }
            if (!org.inherits.get(resourceType)) {
                return new Decision(false, Decision.Path.NONE, null, "no role on " + resourceType + " "
                        + resourceId + ", and " + resourceType + " does not inherit company roles", at);
            }
        } else if (member.roleId() == 0L) {
            return new Decision(false, Decision.Path.NONE, null,
                    "external member: no company role applies outside resources", at);
        }
        return decided(org, member.roleId(), p, Decision.Path.COMPANY_ROLE, "the member's company role",
                permission, at);
    }

    private static Decision decided(OrgState org, long roleId, int p, Decision.Path path, String via,
                                    String permission, long at) {
        RoleEntry role = org.roles.get(roleId);
        boolean allowed = role != null && role.grants(p);
        String name = role == null ? "#" + roleId : "\"" + role.name() + "\"";
        return new Decision(allowed, path, roleId, via + ", " + name + ", " + (allowed ? "grants " : "lacks ")
                + permission, at);
    }

    /** The member id for the product's own user id. */
    public long memberIdOf(long orgId, String userId) {
        Long id = findMemberId(orgId, userId);
        if (id == null) {
            throw new NotFoundException("member_not_found", "no member with user_id \"" + userId
                    + "\" in organization " + orgId);
        }
        return id;
    }

    /** The member id for the product's own user id; null when the organization has no such member. */
    public Long findMemberId(long orgId, String userId) {
        OrgState org = orgs.get(orgId);
        MemberEntry member = org == null ? null : org.membersByUserId.get(userId);
        return member == null ? null : member.id();
    }

    /** Whether the member exists and is active (false for unknown organizations and members). */
    public boolean isActive(long orgId, long memberId) {
        OrgState org = orgs.get(orgId);
        MemberEntry member = org == null ? null : org.members.get(memberId);
        return member != null && member.active();
    }

    public boolean hasMember(long orgId, long memberId) {
        OrgState org = orgs.get(orgId);
        return org != null && org.members.get(memberId) != null;
    }

    /**
     * Effective permissions of a member, organization-wide ({@code resourceType == null}) or on one
     * resource, in catalog order.
     */
    public List<String> permissions(long orgId, long memberId, String resourceType, String resourceId) {
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        if (!member.active()) {
            return List.of();
        }
        long roleId = member.roleId();
        if (resourceType != null) {
            ResourceIndex index = resourceIndex(org, resourceType, -1);
            ResourceEntry entry = index.resource(resourceId);
            long assigned = entry == null ? 0L : entry.roleOf(memberId);
            if (assigned != 0L) {
                roleId = assigned;
            } else if (!org.inherits.get(resourceType)) {
                roleId = 0L;
            }
        }
        RoleEntry role = roleId == 0L ? null : org.roles.get(roleId);
        return role == null ? List.of() : org.model.keys(BitSet.valueOf(role.bits()));
    }

    /** The record-visibility filter of a member's company role. */
    public VisibilityFilter visibilityFilter(long orgId, long memberId) {
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        RoleEntry role = member.roleId() == 0L ? null : org.roles.get(member.roleId());
        if (!member.active() || role == null) {
            return new VisibilityFilter(false, true, member.userId(), List.of(), false, null);
        }
        if (role.visibility() == null) {
            return new VisibilityFilter(true, false, member.userId(), List.of(), true, role.id());
        }
        return new VisibilityFilter(false, false, member.userId(), role.visibility().userFieldIds(),
                role.visibility().allowUnassigned(), role.id());
    }

    /** Whether a record with the given user-reference field values is visible to the member. */
    public boolean visible(long orgId, long memberId, Map<String, List<String>> fields) {
        VisibilityFilter filter = visibilityFilter(orgId, memberId);
        if (filter.seesNone()) {
            return false;
        }
        if (filter.seesAll()) {
            return true;
        }
        boolean anyone = false;
        for (String field : filter.userFieldIds()) {
            List<String> users = fields.get(field);
            if (users != null && !users.isEmpty()) {
                if (users.contains(filter.userId())) {
                    return true;
                }
                anyone = true;
            }
        }
        return !anyone && filter.unassignedVisible();
    }

    /**
     * Resources of a type on which the member holds an assignment whose role grants the permission, in
     * resource-id order, after {@code cursor}. Where the type inherits company roles, the member can also
     * act on every resource without an assignment when the company role grants the permission; callers
     * learn that from {@link #inheritsOnUnassigned}.
     */
    public Page<String> lookupResources(long orgId, long memberId, String permission, String resourceType,
                                        String cursor, int limit) {
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        int p = permission(org, permission);
        ResourceIndex index = resourceIndex(org, resourceType, p);
        List<String> items = new ArrayList<>();
        if (!member.active()) {
            return new Page<>(items, null);
        }
        String[] ids = index.resourcesOf(memberId);
        int start = cursor == null ? 0 : after(Arrays.binarySearch(ids, cursor));
        for (int i = start; i < ids.length; i++) {
            ResourceEntry entry = index.resource(ids[i]);
            RoleEntry role = entry == null ? null : org.roles.get(entry.roleOf(memberId));
            if (role != null && role.grants(p)) {
                if (items.size() == limit) {
                    return new Page<>(items, items.get(limit - 1));
                }
                items.add(ids[i]);
            }
        }
        return new Page<>(items, null);
    }

    /** Whether the member may also act on every resource of the type where it holds no assignment. */
    public boolean inheritsOnUnassigned(long orgId, long memberId, String permission, String resourceType) {
        OrgState org = org(orgId);
        MemberEntry member = member(org, memberId);
        int p = permission(org, permission);
        resourceIndex(org, resourceType, p);
        if (!member.active() || member.roleId() == 0L || !org.inherits.get(resourceType)) {
            return false;
        }
        RoleEntry role = org.roles.get(member.roleId());
        return role != null && role.grants(p);
    }

    /**
     * Members (ids ascending, after {@code cursor}) who may do the permission organization-wide
     * ({@code resourceType == null}) or on one resource.
     */
    public Page<Long> lookupMembers(long orgId, String permission, String resourceType, String resourceId,
                                    Long cursor, int limit) {
        OrgState org = org(orgId);
        int p = permission(org, permission);
        long from = cursor == null ? 0L : cursor;
        long[] found = new long[16];
        int[] count = {0};
        ResourceEntry entry = null;
        boolean inherits = true;
        if (resourceType != null) {
            ResourceIndex index = resourceIndex(org, resourceType, p);
            entry = index.resource(resourceId);
            inherits = org.inherits.get(resourceType);
            if (entry != null) {
                for (int i = 0; i < entry.memberIds.length; i++) {
                    long id = entry.memberIds[i];
                    MemberEntry member = org.members.get(id);
                    RoleEntry role = org.roles.get(entry.roleIds[i]);
                    if (id > from && member != null && member.active() && role != null && role.grants(p)) {
                        found = add(found, count, id);
                    }
                }
            }
        }
        if (inherits) {
            final ResourceEntry assigned = entry;
            long[][] holder = {found};
            org.members.forEach((id, member) -> {
                if (id > from && member.active() && member.roleId() != 0L
                        && (assigned == null || assigned.roleOf(id) == 0L)) {
                    RoleEntry role = org.roles.get(member.roleId());
                    if (role != null && role.grants(p)) {
                        holder[0] = add(holder[0], count, id);
                    }
                }
            });
            found = holder[0];
        }
        long[] sorted = Arrays.copyOf(found, count[0]);
        Arrays.sort(sorted);
        List<Long> items = new ArrayList<>(Math.min(limit, sorted.length));
        for (int i = 0; i < sorted.length && i < limit; i++) {
            items.add(sorted[i]);
        }
        String next = sorted.length > limit ? String.valueOf(sorted[limit - 1]) : null;
        return new Page<>(items, next);
    }

    private static long[] add(long[] array, int[] count, long value) {
        if (count[0] == array.length) {
            array = Arrays.copyOf(array, array.length * 2);
        }
        array[count[0]++] = value;
        return array;
    }

    private static int after(int searchResult) {
        return searchResult >= 0 ? searchResult + 1 : -searchResult - 1;
    }

    // ---------------------------------------------------------------- lookups of state

    private OrgState org(long orgId) {
        OrgState org = orgs.get(orgId);
        if (org == null) {
            throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
        }
        return org;
    }

    private static MemberEntry member(OrgState org, long memberId) {
        MemberEntry member = org.members.get(memberId);
        if (member == null) {
            throw new NotFoundException("member_not_found", "member " + memberId + " not found in organization "
                    + org.id);
        }
        return member;
    }

    private static int permission(OrgState org, String permission) {
        int p = org.model.indexOf(permission);
        if (p < 0) {
            throw new InvalidInputException("unknown_permission", "unknown permission \"" + permission
                    + "\" in model " + org.model.id(), Map.of("permission", "unknown permission"));
        }
        return p;
    }

    /** The index of a resource type; {@code permission >= 0} must apply to that type. */
    private static ResourceIndex resourceIndex(OrgState org, String resourceType, int permission) {
        ResourceIndex index = org.resources.get(resourceType);
        if (index == null) {
            throw new InvalidInputException("unknown_resource_type", "unknown resource type \"" + resourceType
                    + "\" in model " + org.model.id(), Map.of("resource.type", "unknown resource type"));
        }
        if (permission >= 0 && !org.model.permissions().get(permission).appliesTo(resourceType)) {
            throw new InvalidInputException("permission_not_applicable", "permission \""
                    + org.model.permissions().get(permission).key() + "\" does not apply to resource type \""
                    + resourceType + "\"", Map.of("permission", "does not apply to " + resourceType));
        }
        return index;
    }

    // ---------------------------------------------------------------- writes (serialized)

    @Override
    public synchronized void onChange(ChangeRecord record) {
        if (record.revision() <= revision) {
            return;
        }
        JsonNode after = record.after();
        boolean deleted = after == null || after.isNull();
        switch (record.objectType()) {
            case "organization" -> {
                if (deleted) {
                    removeOrganization(record.orgId());
                } else {
                    putOrganization(record.orgId(), after.get("model").stringValue());
                }
            }
            case "role" -> {
                if (deleted) {
                    removeRole(record.orgId(), Long.parseLong(record.objectId()));
                } else {
                    putRole(record.orgId(), after.get("id").longValue(), after.get("name").stringValue(),
                            strings(after.get("permissions")), after.get("external").booleanValue(),
                            visibility(after.get("visibility")));
                }
            }
            case "member" -> {
                if (deleted) {
                    removeMember(record.orgId(), Long.parseLong(record.objectId()));
                } else {
                    JsonNode roleId = after.get("role_id");
                    putMember(record.orgId(), after.get("id").longValue(), after.get("user_id").stringValue(),
                            roleId == null || roleId.isNull() ? 0L : roleId.longValue(),
                            after.get("external").booleanValue(), "active".equals(after.get("status").stringValue()));
                }
            }
            case "assignment" -> {
                JsonNode state = deleted ? record.before() : after;
                String type = state.get("resource").get("type").stringValue();
                String id = state.get("resource").get("id").stringValue();
                long memberId = state.get("member_id").longValue();
                if (deleted) {
                    removeAssignment(record.orgId(), type, id, memberId);
                } else {
                    putAssignment(record.orgId(), type, id, memberId, after.get("role_id").longValue());
                }
            }
            default -> {
                // other object types (API keys, groups, webhooks) do not affect decisions
            }
        }
        revision = record.revision();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>(array.size());
        array.forEach(n -> out.add(n.stringValue()));
        return out;
    }

    private static RoleEntry.Visibility visibility(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return new RoleEntry.Visibility(strings(node.get("user_field_ids")),
                "allow_unassigned".equals(node.get("unassigned").stringValue()));
    }

    /** Marks a loaded snapshot as being at {@code revision}; changes up to it are skipped later. */
    public synchronized void markRevision(long revision) {
        this.revision = revision;
    }

    public synchronized void putOrganization(long orgId, String modelId) {
        OrgState existing = orgs.get(orgId);
        if (existing == null || !existing.model.id().equals(modelId)) {
            PermissionModel model = models.apply(modelId);
            if (model == null) {
                throw new IllegalStateException("organization " + orgId + " uses unknown model " + modelId);
            }
            orgs.put(orgId, new OrgState(orgId, model));
        }
    }

    public synchronized void removeOrganization(long orgId) {
        orgs.remove(orgId);
    }

    public synchronized void putRole(long orgId, long roleId, String name, List<String> permissions,
                                     boolean external, List<String> visibilityFields, boolean allowUnassigned) {
        putRole(orgId, roleId, name, permissions, external,
                visibilityFields == null ? null : new RoleEntry.Visibility(visibilityFields, allowUnassigned));
    }

    private void putRole(long orgId, long roleId, String name, List<String> permissions, boolean external,
                         RoleEntry.Visibility visibility) {
        OrgState org = org(orgId);
        BitSet bits = new BitSet(org.model.permissionCount());
        for (String key : permissions) {
            int p = org.model.indexOf(key);
            if (p >= 0) {
                bits.set(p);
            }
        }
        org.roles.put(roleId, new RoleEntry(roleId, name, bits.toLongArray(), external, visibility));
    }

    public synchronized void removeRole(long orgId, long roleId) {
        org(orgId).roles.remove(roleId);
    }

    public synchronized void putMember(long orgId, long memberId, String userId, long roleId, boolean external,
                                       boolean active) {
        OrgState org = org(orgId);
        MemberEntry previous = org.members.get(memberId);
        MemberEntry entry = new MemberEntry(memberId, userId, roleId, external, active);
        org.members.put(memberId, entry);
        if (previous != null && !previous.userId().equals(userId)) {
            org.membersByUserId.remove(previous.userId(), previous);
        }
        org.membersByUserId.put(userId, entry);
    }

    public synchronized void removeMember(long orgId, long memberId) {
        OrgState org = org(orgId);
        MemberEntry previous = org.members.get(memberId);
        if (previous != null) {
            org.members.remove(memberId);
            org.membersByUserId.remove(previous.userId(), previous);
            for (ResourceIndex index : org.resources.values()) {
                index.removeMember(memberId);
            }
        }
    }

    public synchronized void putAssignment(long orgId, String resourceType, String resourceId, long memberId,
                                           long roleId) {
        resourceIndex(org(orgId), resourceType, -1).put(resourceId, memberId, roleId);
    }

    public synchronized void removeAssignment(long orgId, String resourceType, String resourceId, long memberId) {
        resourceIndex(org(orgId), resourceType, -1).remove(resourceId, memberId);
    }

    /**
     * Takes over the whole state of {@code loaded} (an engine just loaded from the database) in one step:
     * readers see either the old state or the new one. Used when this engine missed changes that can no
     * longer be replayed from the change log.
     */
    public synchronized void replaceWith(DecisionEngine loaded) {
        synchronized (loaded) {
            this.orgs = loaded.orgs;
            this.revision = loaded.revision;
            loaded.orgs = new LongMap<>(8);
        }
    }

    /** A digest of the whole decision state: equal digests mean equal answers (see {@code EngineDigest}). */
    public synchronized String digest() {
        return EngineDigest.of(orgs);
    }

    /** The model id of an organization. */
    public String modelOf(long orgId) {
        return org(orgId).model.id();
    }

    /** Number of organizations held. */
    public int organizationCount() {
        return orgs.size();
    }
}
