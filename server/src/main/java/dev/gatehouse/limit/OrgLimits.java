package dev.gatehouse.limit;

import dev.gatehouse.error.ConflictException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Enforces {@link Limits} inside a write transaction. Each check runs just before a write adds one object and
 * refuses it with a 409 {@code limit_reached} whose {@link ConflictException#context() context} names the limit
 * ({@code limit}), its value ({@code maximum}) and the current count ({@code current}); the transaction then
 * changes nothing. The writes of one organization are serialized by its row lock (see {@code Store.write}), so
 * concurrent writers cannot both pass a check and overshoot. A count reads at most {@code maximum} index entries;
 * only a refused write counts them all, for the error. Within one transaction a subject is counted once and then
 * kept up to date as objects are added ({@link #counted}).
 *
 * <p>Not thread-safe: one instance per transaction, bound to its handle.
 */
public final class OrgLimits {

    private final Limits limits;
    private final Handle handle;
    /**
     * What this transaction counted, per limit and subject, plus what it added since: never below the true count
     * (rows are added only through these checks while the organization is locked; removals make it an
     * overestimate), so a count below the maximum passes without reading again, and only a count at the maximum
     * is read again before refusing. Many additions in one transaction (a bulk import) cost one count each.
     */
    private final Map<String, Long> counted = new HashMap<>();

    public OrgLimits(Limits limits, Handle handle) {
        this.limits = limits;
        this.handle = handle;
    }

    /**
     * An organization this transaction has just created, holding {@code roles} roles (its model's system roles) and
     * nothing else: its counts are known, and the checks of what is added to it next read none.
     */
    public void created(long orgId, int roles) {
        if (roles > limits.rolesPerOrg()) {
            // the model's system roles alone pass the limit: no organization of it can be within it
            throw new ConflictException("limit_reached", "a new organization of this model would have " + roles
                    + " roles (its model's system roles), over its limit (roles_per_org = " + limits.rolesPerOrg()
                    + "); raise --max-roles-per-org", Map.<String, Object>of("limit", "roles_per_org",
                    "maximum", limits.rolesPerOrg(), "current", roles));
        }
        counted.put(key("roles_per_org", orgId), (long) roles);
        counted.put(key("members_per_org", orgId), 0L);
        counted.put(key("groups_per_org", orgId), 0L);
        counted.put(key("resources_per_org", orgId), 0L);
        counted.put(key("rooms_per_org", orgId), 0L);
    }

    /** What {@link #counted} keeps an organization's count of {@code limit} under (see {@link #require}). */
    private static String key(String limit, long orgId) {
        return limit + " " + organization(orgId);
    }

    private static String organization(long orgId) {
        return "organization " + orgId;
    }

    /** Before a role is created. */
    public void beforeAddingRole(long orgId) {
        beforeAddingRole(orgId, 0);
    }

    /**
     * Before a role is created by a caller holding {@code unwritten} roles it has checked and not inserted yet (a
     * batch): a count read again adds them.
     */
    public void beforeAddingRole(long orgId, int unwritten) {
        require("roles_per_org", limits.rolesPerOrg(), organization(orgId), "roles",
                "roles WHERE org_id = :org", q -> q.bind("org", orgId), unwritten);
    }

    /** Before a member is created. */
    public void beforeAddingMember(long orgId) {
        beforeAddingMember(orgId, 0);
    }

    /** As {@link #beforeAddingRole(long, int)}, for members. */
    public void beforeAddingMember(long orgId, int unwritten) {
        require("members_per_org", limits.membersPerOrg(), organization(orgId), "members",
                "members WHERE org_id = :org", q -> q.bind("org", orgId), unwritten);
    }

    /** At least how many members the organization has, when this transaction has counted them; else null. */
    private Long membersCounted(long orgId) {
        return counted.get(key("members_per_org", orgId));
    }

    /** Before a group is created. */
    public void beforeAddingGroup(long orgId) {
        require("groups_per_org", limits.groupsPerOrg(), organization(orgId), "groups",
                "groups WHERE org_id = :org", q -> q.bind("org", orgId));
    }

    /** Before a key is issued to a member. */
    public void beforeAddingKey(long memberId) {
        require("keys_per_member", limits.keysPerMember(), "member " + memberId, "active keys",
                "api_keys WHERE member_id = :member AND revoked_at IS NULL", q -> q.bind("member", memberId));
    }

    /** Before a resource is recorded in the organization's hierarchy (not when one recorded moves). */
    public void beforeAddingResource(long orgId) {
        require("resources_per_org", limits.resourcesPerOrg(), organization(orgId), "resources",
                "resources WHERE org_id = :org", q -> q.bind("org", orgId));
    }

    /** Before a room is created (the Rooms dialect's, or an import's room line). */
    public void beforeAddingRoom(long orgId) {
        require("rooms_per_org", limits.roomsPerOrg(), organization(orgId), "rooms",
                "rooms WHERE org_id = :org", q -> q.bind("org", orgId));
    }

    /** Before a member gets a role on a resource it had none on. */
    public void beforeAddingAssignment(long orgId, String type, String resourceId) {
        require("assignments_per_resource", limits.assignmentsPerResource(), type + " " + resourceId,
                "members with a role on it",
                "assignments WHERE org_id = :org AND resource_type = :type AND resource_id = :rid",
                q -> q.bind("org", orgId).bind("type", type).bind("rid", resourceId));
    }

    /**
     * Counts of the members holding a role on resources of one type, to check many added assignments with few
     * queries ({@link AssignmentCounts#load}, then {@link AssignmentCounts#beforeAdding} per assignment).
     */
    public AssignmentCounts assignmentCounts(long orgId, String type) {
        return new AssignmentCounts(orgId, type);
    }

    /**
     * Counts of members holding a role per resource of one type, kept up to date by {@link #beforeAdding}. Lives
     * while no member is added to the organization (a run of assignments of an import): a resource holds at most
     * one assignment per member, and a member without one on it is needed to add one, so when the organization
     * has no more members than the limit no resource can reach it, and nothing is counted at all. That is learnt
     * without a query when this transaction counted the organization's members already ({@link #created}, or
     * members added), by a capped count when many resources are to be loaded, else not at all.
     */
    public final class AssignmentCounts {

        /** Resources to count in one {@link #load} from which the members are counted first (a capped count). */
        static final int MEMBERS_FIRST = 200;

        private final long orgId;
        private final String type;
        private final Map<String, Integer> counts = new HashMap<>();
        /** Whether the organization has at most the limit's members (null: not known yet). */
        private Boolean withinMembers;

        private AssignmentCounts(long orgId, String type) {
            this.orgId = orgId;
            this.type = type;
        }

        /** Reads the counts of the resources not read yet, in one query (or learns that none is needed). */
        public void load(Collection<String> resourceIds) {
            if (withinMembers == null) {
                Long members = membersCounted(orgId);
                if (members != null && members <= limits.assignmentsPerResource()) {
                    withinMembers = true;
                }
            }
            if (Boolean.TRUE.equals(withinMembers)) {
                return;
            }
            List<String> unknown = resourceIds.stream().filter(id -> !counts.containsKey(id)).distinct().toList();
            if (unknown.isEmpty()) {
                return;
            }
            if (withinMembers == null && unknown.size() >= MEMBERS_FIRST) {
                withinMembers = handle.createQuery("SELECT count(*) FROM (SELECT 1 FROM members WHERE org_id = :org "
                                + "LIMIT :cap) counted")
                        .bind("org", orgId).bind("cap", limits.assignmentsPerResource() + 1)
                        .mapTo(Long.class).one() <= limits.assignmentsPerResource();
                if (withinMembers) {
                    return;
                }
            }
            unknown.forEach(id -> counts.put(id, 0));
            handle.createQuery("SELECT resource_id, count(*) AS n FROM assignments WHERE org_id = :org "
                            + "AND resource_type = :type AND resource_id = ANY (:rids) GROUP BY resource_id")
                    .bind("org", orgId).bind("type", type).bind("rids", unknown.toArray(new String[0]))
                    .map((rs, ctx) -> Map.entry(rs.getString("resource_id"), rs.getInt("n")))
                    .forEach(count -> counts.put(count.getKey(), count.getValue()));
        }

        /**
         * Like {@link OrgLimits#beforeAddingAssignment} for a resource {@link #load loaded} before: refuses at the
         * limit, else counts the new assignment.
         */
        public void beforeAdding(String resourceId) {
            if (!Boolean.TRUE.equals(withinMembers)) {
                Integer current = counts.get(resourceId);
                if (current == null) {
                    throw new IllegalStateException(type + " " + resourceId + " was not loaded");
                }
                int maximum = limits.assignmentsPerResource();
                if (current >= maximum) {
                    refuse("assignments_per_resource", maximum, current, type + " " + resourceId,
                            "members with a role on it");
                }
                counts.put(resourceId, current + 1);
            }
            counted.computeIfPresent("assignments_per_resource " + type + " " + resourceId, (k, n) -> n + 1);
        }
    }

    /** Before a member joins a group. */
    public void beforeAddingGroupMember(long groupId) {
        require("members_per_group", limits.membersPerGroup(), "group " + groupId, "members",
                "group_members WHERE group_id = :group", q -> q.bind("group", groupId));
    }

    private void require(String limit, int maximum, String subject, String things, String from, Binder binder) {
        require(limit, maximum, subject, things, from, binder, 0);
    }

    /**
     * @param unwritten additions the caller checked here and has not written yet: the table does not hold them, so
     *                  a count read from it adds them
     */
    private void require(String limit, int maximum, String subject, String things, String from, Binder binder,
                         int unwritten) {
        String key = limit + " " + subject;
        Long known = counted.get(key);
        if (known != null && known < maximum) {
            counted.put(key, known + 1);
            return;
        }
        Query capped = handle.createQuery("SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT :cap) counted")
                .bind("cap", maximum);
        binder.bind(capped);
        long count = capped.mapTo(Long.class).one() + unwritten;
        if (count < maximum) {
            counted.put(key, count + 1);
            return;
        }
        Query all = handle.createQuery("SELECT count(*) FROM " + from);
        binder.bind(all);
        refuse(limit, maximum, all.mapTo(Long.class).one() + unwritten, subject, things);
    }

    private static void refuse(String limit, int maximum, long current, String subject, String things) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("limit", limit);
        context.put("maximum", maximum);
        context.put("current", current);
        throw new ConflictException("limit_reached", subject + " already has " + current + " " + things
                + ", its limit (" + limit + " = " + maximum + "); remove one first or raise --max-"
                + limit.replace('_', '-'), context);
    }

    private interface Binder {
        void bind(Query query);
    }
}
