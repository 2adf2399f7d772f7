package dev.gatehouse.event;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.assignment.LoggedImport;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.group.GroupHistory;
import dev.gatehouse.json.Fields;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.member.MemberStore;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * An organization's history, read from the change log. Who may read it all (a <em>reader</em>): a service key,
 * for any organization (also one deleted since: history outlives it); a member key, for its own organization
 * only, when its member holds the permissions the model names for managing roles and members ({@code
 * management.roles}, {@code management.members}: the history shows every member's grants, which only the second
 * reads elsewhere) and sees every resource the history may show (on {@code rooms}, every room: {@code
 * autoAccessToRooms}), as for an export. The native events API serves readers only. A
 * dialect whose original shows its event log to every user (Close) shows other members a part of it
 * ({@link #pageVisible}): changes of the organization, its roles and groups ({@link #SHARED}) to internal
 * members, and changes of their own member record and its settings ({@link #PERSONAL}) to each member — not
 * other members' settings, keys or assignments. A dialect that shows events in its own shape asks
 * {@link #around} for what the records alone do not say (a group's whole member list, who the actors are).
 * Thread-safe.
 */
public final class EventService {

    /** Object types about the organization as a whole, which every internal member may read anyway. */
    public static final Set<ObjectType> SHARED = Set.of(ObjectType.ORGANIZATION, ObjectType.ROLE, ObjectType.GROUP,
            ObjectType.OFFICE, ObjectType.REGION);
    /** Object types about one member, whose object id is the member's id, readable by that member. */
    public static final Set<ObjectType> PERSONAL = Set.of(ObjectType.MEMBER, ObjectType.CLOSE_MEMBERSHIP_SETTINGS,
            ObjectType.CLOSE_PINNED_VIEWS, ObjectType.ROOMS_PROFILE);

    /**
     * What shown events need beside their records: for each {@code group} record (by revision) the group's members
     * just before and after it, and the user ids of the members who made the changes ({@link #actorUserIds}; absent
     * for service keys).
     */
    public record Around(Map<Long, GroupHistory.Members> groupMembers, Map<Long, String> actorUserIds) {
    }

    /** A member record's user id: of its member after the change, or before it for a deletion ({@link LoggedMember}). */
    private static final String LOGGED_USER_ID = "COALESCE(after, before) ->> '" + LoggedMember.USER_ID + "'";

    private final OrgModels orgModels;
    private final Access access;
    private final ChangeFeed feed;
    private final AssignmentRules resources;
    private final MemberStore members = new MemberStore();

    public EventService(OrgModels orgModels, Access access, ChangeFeed feed, AssignmentRules resources) {
        this.orgModels = orgModels;
        this.access = access;
        this.feed = feed;
        this.resources = resources;
    }

    /** The newest revision this node has applied: where a reader polling for what happens next starts. */
    public long appliedRevision() {
        return feed.applied();
    }

    /** See {@link Around}; {@code records} are events the caller was shown ({@link #pageVisible}). */
    public Around around(Principal principal, long orgId, List<ChangeRecord> records) {
        return access.read(principal, orgId, (h, caller) -> {
            Map<Long, GroupHistory.Members> groupMembers = GroupHistory.around(h, orgId, records);
            List<Long> actors = records.stream().map(r -> r.actor().id()).filter(Objects::nonNull).distinct().toList();
            return new Around(groupMembers, actorUserIds(h, orgId, actors));
        });
    }

    /**
     * The user ids of the members {@code ids}, as {@link Around} names actors (absent: none known): a member's own,
     * and for one removed since the last its member records in the log hold — so what a removed member made still
     * names its user.
     */
    public Map<Long, String> userIds(Principal principal, long orgId, List<Long> ids) {
        return access.read(principal, orgId, (h, caller) -> actorUserIds(h, orgId, ids));
    }

    /**
     * The members who acted as user {@code userId}, as {@link Around} names actors: its member now, and any member
     * removed since whose last user id in the log is {@code userId} (one user may have been several members, removed
     * and added again). Empty when none; a dialect filtering events by user id asks it.
     */
    public Set<Long> actorsOf(Principal principal, long orgId, String userId) {
        return access.read(principal, orgId, (h, caller) -> {
            Set<Long> candidates = new TreeSet<>(h.createQuery("SELECT DISTINCT object_id::bigint FROM change_log "
                            + "WHERE org_id = :org AND object_type = :member AND " + LOGGED_USER_ID + " = :user")
                    .bind("org", orgId).bind("member", ObjectType.MEMBER.wire()).bind("user", userId)
                    .mapTo(Long.class).list());
            members.findByUserId(h, orgId, userId).ifPresent(m -> candidates.add(m.id()));
            Map<Long, String> resolved = actorUserIds(h, orgId, List.copyOf(candidates));
            candidates.removeIf(id -> !userId.equals(resolved.get(id)));
            return candidates;
        });
    }

    /**
     * The user ids of the members {@code ids} (absent: none known): a member's own, and for one removed since the last
     * its member records in the log hold (its deletion record's, unless retention pruned them all). Two queries,
     * whatever the number of members.
     */
    private Map<Long, String> actorUserIds(Handle h, long orgId, List<Long> ids) {
        Map<Long, String> userIds = new HashMap<>();
        if (ids.isEmpty()) {
            return userIds;
        }
        members.findAll(h, orgId, ids).forEach(m -> userIds.put(m.id(), m.userId()));
        String[] removed = ids.stream().filter(id -> !userIds.containsKey(id)).map(String::valueOf)
                .toArray(String[]::new);
        if (removed.length > 0) {
            h.createQuery("SELECT DISTINCT ON (object_id) object_id::bigint AS id, " + LOGGED_USER_ID + " AS user_id "
                            + "FROM change_log WHERE org_id = :org AND object_type = :member AND object_id = ANY(:ids) "
                            + "AND " + LOGGED_USER_ID + " IS NOT NULL ORDER BY object_id, revision DESC")
                    .bind("org", orgId).bind("member", ObjectType.MEMBER.wire()).bind("ids", removed)
                    .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getString("user_id")))
                    .forEach(e -> userIds.put(e.getKey(), e.getValue()));
        }
        return userIds;
    }

    public List<ChangeRecord> list(Principal principal, EventQuery query) {
        return page(principal, query).records();
    }

    /** One page of events, which may end early at the query's byte budget ({@link ChangeLogStore.Batch#more}). */
    public ChangeLogStore.Batch page(Principal principal, EventQuery query) {
        return read(principal, query.orgId(), (h, caller) -> {
            requireReader(h, caller, query.orgId());
            return query.page(h);
        });
    }

    public ChangeRecord get(Principal principal, long orgId, long revision) {
        return read(principal, orgId, (h, caller) -> {
            requireReader(h, caller, orgId);
            return EventQuery.find(h, orgId, revision).orElseThrow(() -> new NotFoundException("event_not_found",
                    "organization " + orgId + " has no event at revision " + revision
                            + " (it belongs to another organization, does not exist yet or was removed by retention)"));
        });
    }

    /**
     * The objects a record of many stands for (a {@code bulk_import} event's assignments, {@link LoggedImport}), each
     * as the change a record of its own would show: from position {@code after + 1} (positions start at 1), at
     * most {@code limit}. The caller must be a reader; an event of another kind has no objects (404).
     */
    public List<ObjectNode> objects(Principal principal, long orgId, long revision, long after, int limit) {
        ChangeRecord record = get(principal, orgId, revision);
        if (record.objectType() != ObjectType.BULK_IMPORT || record.objects() == null) {
            throw new NotFoundException("event_objects_not_found", "the event at revision " + revision + " is "
                    + Fields.withArticle(record.objectType().wire()) + " event, which stands for one object; only "
                    + "bulk_import events list objects");
        }
        return LoggedImport.events(orgId, record.occurredAt(), record.objects(), after, limit);
    }

    /**
     * One page of the events of the query that the caller may see: all for a reader, else its part (class
     * comment); it may end early at the query's byte budget ({@link ChangeLogStore.Batch#more}).
     */
    public ChangeLogStore.Batch pageVisible(Principal principal, EventQuery.Builder query, long orgId) {
        return access.read(principal, orgId, (h, caller) -> query.audience(audience(h, caller, orgId)).build().page(h));
    }

    /** One event the caller may see (see {@link #pageVisible}); empty when there is none. */
    public Optional<ChangeRecord> findVisible(Principal principal, long orgId, long revision) {
        List<ChangeRecord> found = pageVisible(principal, EventQuery.forOrg(orgId).afterRevision(revision - 1)
                .beforeRevision(revision + 1).limit(1), orgId).records();
        return found.stream().findFirst();
    }

    private EventQuery.Audience audience(Handle h, Caller caller, long orgId) {
        if (reads(caller, orgModels.model(h, orgId))) {
            return null;
        }
        return new EventQuery.Audience(caller.external() ? Set.of() : SHARED, PERSONAL,
                String.valueOf(caller.memberId()));
    }

    /** Service keys may read the history of an organization deleted since; member keys go through access. */
    private <T> T read(Principal principal, long orgId, BiFunction<Handle, Caller, T> query) {
        if (principal instanceof Principal.Member) {
            return access.read(principal, orgId, query);
        }
        return access.read(principal, orgId, (h, caller) -> {
            boolean exists = h.createQuery("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = :org)")
                    .bind("org", orgId).mapTo(Boolean.class).one();
            if (!exists && !EventQuery.hasHistory(h, orgId)) {
                throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
            }
            return query.apply(h, caller);
        });
    }

    private void requireReader(Handle h, Caller caller, long orgId) {
        if (!caller.isService()) { // a service key reads the history of an organization deleted since: no model
            requireReader(caller, orgModels.model(h, orgId), "reading the organization's events");
        }
    }

    /**
     * {@link #requireReader(Caller, PermissionModel, String)} on its own, for a dialect that refuses who may not
     * make a write before it reads the write's body (Close's webhook subscriptions). Writes nothing.
     */
    public void requireReader(Principal principal, long orgId, String what) {
        access.read(principal, orgId, (h, caller) -> {
            requireReader(caller, orgModels.model(h, orgId), what);
            return null;
        });
    }

    /**
     * Refuses, 403 {@code permission_required}, a member key that may not read the organization's whole history
     * (the class comment's reader): webhook subscriptions, which deliver that history, ask the same.
     */
    public void requireReader(Caller caller, PermissionModel model, String what) {
        if (caller.isService()) {
            return;
        }
        caller.require(model.management().roles(), what);
        caller.require(model.management().members(), what);
        ResourceType unseen = partlySeen(caller, model);
        if (unseen != null) {
            throw new ForbiddenException("permission_required", what + " needs to see every " + unseen.key()
                    + " of the organization, as its history shows them all, which member " + caller.memberId()
                    + " does not");
        }
    }

    /** Whether {@code caller} is a reader (class comment). */
    private boolean reads(Caller caller, PermissionModel model) {
        return caller.isService() || caller.has(model.management().roles()) && caller.has(model.management().members())
                && partlySeen(caller, model) == null;
    }

    /** A resource type of which {@code caller} does not see every resource, or null. */
    private ResourceType partlySeen(Caller caller, PermissionModel model) {
        return model.resourceTypes().stream().filter(type -> !resources.seesAll(caller, model, type)).findFirst()
                .orElse(null);
    }
}
