package dev.gatehouse.http.close;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.closemembership.OtherHalf;
import dev.gatehouse.group.GroupHistory;
import dev.gatehouse.group.GroupMember;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.member.Member;
import dev.gatehouse.role.Role;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How change-log records appear in Close's event log.
 *
 * <ul>
 *   <li>{@code member} → {@code membership}: created and activated → {@code activated}; deactivated and
 *       deleted → {@code deactivated}; updated → {@code updated}.</li>
 *   <li>An {@code updated} event whose Close-shaped data did not change is no Close event ({@link #shown}): a
 *       member's names or email, a role's description, are not in what Close shows, so a change of only them would
 *       be an {@code updated} with no {@code changed_fields}.</li>
 *   <li>{@code close_membership_settings} (the dialect's own settings) → {@code membership} {@code updated}.</li>
 *   <li>One write's change of a membership is one event: a member {@code updated} followed, in its write, by the
 *       membership's settings record (Close's update of a role and settings together) is shown by that record, whose
 *       event compares the whole membership before the write with it after
 *       ({@link OtherHalf#shownAt}).</li>
 *   <li>An invitation is no Close membership event ({@link #shown}): Close has no invited memberships, a
 *       membership's life begins when it is activated. A member created invited, changed while invited, or whose
 *       invitation is withdrawn (deactivated or deleted while invited) does not appear; accepting the invitation
 *       (by any API, with a role change or without) is the membership's {@code activated}, a creation: the
 *       membership as it then stands, with no {@code changed_fields} and no {@code previous_data}. Nor does a member
 *       created deactivated (an import's, as an export holds one): its membership was never activated. Whatever
 *       happens to a member never active — an invitation withdrawn then the member deleted, a deactivated member's
 *       role changed or the member removed — is no event until it is activated, which then begins its membership
 *       as accepting an invitation does; whether a membership has begun is read from its member's history
 *       ({@link OtherHalf#begun}).</li>
 *   <li>{@code group} → {@code group}: created, updated (also a member added or removed), deleted.</li>
 *   <li>{@code role} → {@code role}: created, updated, deleted — listed only when asked for with
 *       {@code object_type=role}, since Close has no role events and its clients do not expect them.</li>
 *   <li>Everything else (organizations, API keys, assignments, pinned views) stays out of Close's log.</li>
 * </ul>
 *
 * <p>{@code data} is the object in Close's shape (after the change; before it for deletions): a membership whole,
 * as {@code /membership/} returns it, from the record and the other half around it
 * ({@link dev.gatehouse.closemembership.CloseMembershipService#otherHalves}); a group with its members derived
 * from the change log ({@link GroupHistory});
 * {@code changed_fields} and {@code previous_data} compare the two Close shapes. Stateless.
 */
final class CloseEvents {

    static final String MEMBERSHIP = "membership";
    static final String GROUP = "group";
    static final String ROLE = "role";

    /** The native object types and actions one Close (type, action) filter stands for; no actions = all. */
    record NativeFilter(Set<String> objectTypes, Set<String> actions) {
    }

    /** The native object types Close's log shows, each with the Close actions it can appear as. */
    private static final Map<String, List<String>> SHOWN = Map.of(
            "member", List.of("activated", "deactivated", "updated"),
            "close_membership_settings", List.of("updated"),
            "group", List.of("created", "updated", "deleted"),
            "role", List.of("created", "updated", "deleted"));

    /** Close's membership settings, as {@code close_membership_settings} snapshots name them. */
    private static final List<String> SETTINGS = List.of("auto_record_calls", "track_email_opens",
            "default_caller_id", "default_caller_id_mode", "hangup_recording_url", "may_workflows_impersonate");

    /**
     * Fields that change only with another one, and are not listed as changed: dates, and a membership's alias of
     * role_id and the role's permissions.
     */
    private static final Set<String> DERIVED = Set.of("date_updated", "role", "permissions_granted");

    private CloseEvents() {
    }

    /** The Close object type of a native one, or null when Close's log does not show it. */
    static String closeType(String nativeType) {
        return switch (nativeType) {
            case "member", "close_membership_settings" -> MEMBERSHIP;
            case "group" -> GROUP;
            case "role" -> ROLE;
            default -> null;
        };
    }

    /**
     * Whether Close's log shows a record of a type it shows: not one of a membership not begun (never active by the
     * record: an invitation, or a member created deactivated), nor one whose change a later record of its write shows,
     * nor an {@code updated} that changes nothing Close shows (see the class comment). {@code other} is the
     * membership's other half around a membership record ({@link #event}); it tells whether the membership had begun
     * before the record ({@link OtherHalf#begun}). The one place that decides: the event log and Close's webhooks both
     * ask it.
     */
    static boolean shown(ChangeRecord r, OtherHalf other) {
        boolean invitation;
        if (r.objectType() == ObjectType.MEMBER) {
            // a member not active at the record nor at one before it has no membership yet (OtherHalf#begun)
            invitation = !Member.ACTIVE.equals(status(r.after())) && (other == null || !other.begun());
        } else if (r.objectType() == ObjectType.CLOSE_MEMBERSHIP_SETTINGS) {
            invitation = other == null || !other.begun();
        } else {
            invitation = false;
        }
        return closeType(r.objectType().wire()) != null && !invitation && (other == null || other.shownAt() == null)
                && changesWhatCloseShows(r, other);
    }

    /**
     * Whether a record changes its object's Close shape: always, but for an {@code updated} whose data before and
     * after compare equal as {@link #event} compares them. A group's member change always does (its lists come from
     * the change log around it, {@link GroupHistory}); a membership's role is compared by id, which names it in
     * Close one to one.
     */
    private static boolean changesWhatCloseShows(ChangeRecord r, OtherHalf other) {
        if (!"updated".equals(closeAction(r)) || r.before() == null || r.after() == null
                || r.objectType() == ObjectType.GROUP && r.delta() != null) {
            return true;
        }
        LongFunction<String> roleId = String::valueOf;
        LongFunction<Role> noRole = id -> null;
        return !changed(data(r, r.before(), roleId, noRole, null, half(other, true)),
                data(r, r.after(), roleId, noRole, null, half(other, false)), Json.object()).isEmpty();
    }

    /** The other half's snapshot beside a membership's state before or after a record; null when none. */
    private static JsonNode half(OtherHalf other, boolean before) {
        return other == null ? null : before ? other.before() : other.after();
    }

    /**
     * Whether a record begins its Close membership: the member's first activation (an invitation accepted, a member
     * created deactivated activated), so what the member was before it is not its state before (see the class
     * comment).
     */
    private static boolean beginsMembership(ChangeRecord r, OtherHalf other) {
        return r.objectType() == ObjectType.MEMBER && r.before() != null && Member.ACTIVE.equals(status(r.after()))
                && (other == null ? Member.INVITED.equals(status(r.before())) : !other.begun());
    }

    private static String status(JsonNode member) {
        JsonNode status = member == null ? null : member.get(LoggedMember.STATUS);
        return status == null || !status.isString() ? null : status.stringValue();
    }

    /** Close's action for a record {@link #shown} in its log. */
    static String closeAction(ChangeRecord r) {
        if (r.objectType() == ObjectType.MEMBER) {
            return switch (r.action().wire()) {
                case "created", "activated" -> "activated";
                case "deactivated", "deleted" -> "deactivated";
                default -> "updated";
            };
        }
        if (r.objectType() == ObjectType.CLOSE_MEMBERSHIP_SETTINGS) {
            return "updated";
        }
        return r.action().wire();
    }

    /**
     * The native records a Close filter selects, or null when it selects nothing (an unknown type or action).
     * {@code type == null} means Close's default log (memberships and groups). One set of native actions
     * serves every type selected: {@link #closeAction} maps the same native actions to a Close action on each
     * of them (settings records are always {@code updated}). Readers still skip the records not {@link #shown}.
     */
    static NativeFilter filter(String type, String action) {
        Set<String> types = new TreeSet<>();
        SHOWN.forEach((nativeType, actions) -> {
            String closeType = closeType(nativeType);
            boolean wanted = type == null ? !closeType.equals(ROLE) : type.equals(closeType);
            if (wanted && (action == null || actions.contains(action))) {
                types.add(nativeType);
            }
        });
        if (types.isEmpty()) {
            return null;
        }
        Set<String> actions = action == null ? Set.of() : switch (action) {
            case "activated" -> Set.of("created", "activated");
            case "deactivated" -> Set.of("deactivated", "deleted");
            default -> Set.of(action);
        };
        return new NativeFilter(types, actions);
    }

    /** The Close id of the object a record is about. */
    static String objectId(ChangeRecord r) {
        return switch (r.objectType().wire()) {
            case "member", "close_membership_settings" ->
                    CloseWire.membershipId(Long.parseLong(r.objectId()));
            case "group" -> CloseWire.groupId(Long.parseLong(r.objectId()));
            default -> {
                JsonNode state = r.after() != null ? r.after() : r.before();
                JsonNode key = state == null ? null : state.get("key");
                yield key != null && key.isString() ? key.stringValue()
                        : CloseIds.encode(CloseIds.ROLE, Long.parseLong(r.objectId()));
            }
        };
    }

    /**
     * Close's event object for a record; {@code groupMembers} is the group's member list around a {@code group}
     * record (the change log records deltas, Close shows whole lists), null for other records;
     * {@code other} the membership's other half around a membership record ({@link OtherHalf}: the settings
     * beside a {@code member} record, the member beside a settings record, before the record's write and at it: Close
     * shows whole memberships), else null.
     */
    static ObjectNode event(ChangeRecord r, OrgRoles roles, Map<Long, String> actorUserIds,
                            GroupHistory.Members groupMembers, OtherHalf other) {
        ObjectNode n = Json.object();
        n.put("id", CloseIds.encode(CloseIds.EVENT, r.revision()));
        n.put("date_created", CloseTime.naive(r.occurredAt()));
        n.put("date_updated", CloseTime.naive(r.occurredAt()));
        n.put("organization_id", CloseWire.orgId(r.orgId()));
        n.put("user_id", r.actor().id() == null ? null : actorUserIds.get(r.actor().id()));
        n.putNull("request_id");
        n.put("api_key_id", r.actor().keyId());
        n.put("object_type", closeType(r.objectType().wire()));
        n.put("object_id", objectId(r));
        n.putNull("lead_id");
        n.put("action", closeAction(r));
        ObjectNode before = r.before() == null || beginsMembership(r, other) ? null : data(r, r.before(),
                roles::closeId, roles::byId, groupMembers == null ? null : groupMembers.before(), half(other, true));
        ObjectNode after = r.after() == null ? null : data(r, r.after(), roles::closeId, roles::byId,
                groupMembers == null ? null : groupMembers.after(), half(other, false));
        ObjectNode previous = Json.object();
        n.set("changed_fields", before != null && after != null ? changed(before, after, previous)
                : Json.MAPPER.createArrayNode());
        n.set("data", after != null ? after : before);
        n.set("previous_data", previous);
        n.putObject("meta");
        return n;
    }

    /**
     * The fields of Close's shape that differ from {@code before} to {@code after}, but those that change only with
     * another ({@link #DERIVED}); each one's value before is put in {@code previous}.
     */
    private static ArrayNode changed(ObjectNode before, ObjectNode after, ObjectNode previous) {
        ArrayNode changed = Json.MAPPER.createArrayNode();
        for (Iterator<String> it = after.propertyNames().iterator(); it.hasNext(); ) {
            String field = it.next();
            if (!DERIVED.contains(field) && !after.get(field).equals(before.get(field))) {
                changed.add(field);
                previous.set(field, before.get(field));
            }
        }
        return changed;
    }

    /**
     * A native snapshot in Close's shape; a membership's role is named by {@code roleId}, read by {@code role}, and
     * its other half is {@code otherHalf}'s snapshot.
     */
    private static ObjectNode data(ChangeRecord r, JsonNode s, LongFunction<String> roleId, LongFunction<Role> role,
                                   List<GroupMember> groupMembers, JsonNode otherHalf) {
        ObjectNode d = Json.object();
        switch (r.objectType().wire()) {
            case "member" -> membership(r, s, otherHalf, roleId, role, d);
            case "close_membership_settings" -> membership(r, otherHalf, s, roleId, role, d);
            case "group" -> {
                d.put("id", CloseWire.groupId(s.get("id").longValue()));
                d.put("name", s.get("name").stringValue());
                d.put("organization_id", CloseWire.orgId(r.orgId()));
                ArrayNode members = d.putArray("members");
                if (groupMembers != null) {
                    groupMembers.forEach(m -> members.addObject().put("user_id", m.userId()));
                } else if (s.has("members")) {
                    s.get("members").forEach(m -> members.addObject().put("user_id", m.get("user_id").stringValue()));
                }
            }
            default -> role(r, s, d);
        }
        return d;
    }

    /**
     * The whole membership, in the shape {@code /membership/} returns ({@link CloseWire#membership}), from its
     * member and settings snapshots; a half not known leaves its fields null. {@code permissions_granted} are the
     * role's permissions now (the log does not join a membership to its role's history).
     */
    private static void membership(ChangeRecord r, JsonNode member, JsonNode settings, LongFunction<String> closeRoleId,
                                   LongFunction<Role> roleById, ObjectNode d) {
        d.put("id", CloseWire.membershipId(Long.parseLong(r.objectId())));
        d.put("organization_id", CloseWire.orgId(r.orgId()));
        JsonNode userId = member != null ? member.get("user_id") : settings == null ? null : settings.get("user_id");
        d.put("user_id", userId == null || userId.isNull() ? null : userId.stringValue());
        JsonNode role = member == null ? null : member.get("role_id");
        String roleId = role == null || role.isNull() ? null : closeRoleId.apply(role.longValue());
        d.put("role_id", roleId);
        ArrayNode granted = d.putArray("permissions_granted");
        Role current = role == null || role.isNull() ? null : roleById.apply(role.longValue());
        if (current != null) {
            current.permissions().forEach(granted::add);
        }
        d.put("role", roleId);
        for (String field : SETTINGS) {
            JsonNode value = settings == null ? null : settings.get(field);
            d.set(field, value == null ? NullNode.getInstance() : value);
        }
        d.put("is_free", false);
        d.put("plan_type", CloseWire.PLAN_TYPE);
        d.putNull("primary_personal_number");
    }

    private static void role(ChangeRecord r, JsonNode s, ObjectNode d) {
        boolean system = s.get("system").booleanValue();
        d.put("id", system ? s.get("key").stringValue() : CloseIds.encode(CloseIds.ROLE, s.get("id").longValue()));
        d.put("name", s.get("name").stringValue());
        d.set("permissions", s.get("permissions"));
        d.put("editable", !system);
        JsonNode v = s.get("visibility");
        if (v == null || v.isNull()) {
            d.putNull("visibility_user_lcf_ids");
            d.putNull("visibility_user_lcf_behavior");
        } else {
            d.set("visibility_user_lcf_ids", v.get("user_field_ids"));
            d.set("visibility_user_lcf_behavior", v.get("unassigned"));
        }
        d.put("organization_id", CloseWire.orgId(r.orgId()));
        d.put("date_created", system ? CloseTime.BUILT_IN : CloseTime.aware(Instant.parse(s.get("created_at").stringValue())));
        d.put("date_updated", system ? CloseTime.BUILT_IN : CloseTime.aware(Instant.parse(s.get("updated_at").stringValue())));
    }
}
