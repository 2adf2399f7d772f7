package dev.gatehouse.http.close;

import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.group.GroupHistory;
import dev.gatehouse.group.GroupMember;
import dev.gatehouse.json.Json;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How change-log records appear in Close's event log.
 *
 * <ul>
 *   <li>{@code member} → {@code membership}: created and activated → {@code activated}; deactivated and
 *       deleted → {@code deactivated}; updated → {@code updated}.</li>
 *   <li>{@code close_membership_settings} (the dialect's own settings) → {@code membership} {@code updated}.</li>
 *   <li>{@code group} → {@code group}: created, updated (also a member added or removed), deleted.</li>
 *   <li>{@code role} → {@code role}: created, updated, deleted — listed only when asked for with
 *       {@code object_type=role}, since Close has no role events and its clients do not expect them.</li>
 *   <li>Everything else (organizations, API keys, assignments, pinned views) stays out of Close's log.</li>
 * </ul>
 *
 * <p>{@code data} is the object in Close's shape (after the change; before it for deletions), limited to the
 * fields the native record carries — a group's members derived from the change log ({@link GroupHistory});
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
     * of them (settings records are always {@code updated}).
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
     * record (the change log records deltas, Close shows whole lists), null for other records.
     */
    static ObjectNode event(ChangeRecord r, OrgRoles roles, Map<Long, String> actorUserIds,
                            GroupHistory.Members groupMembers) {
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
        ObjectNode before = r.before() == null ? null
                : data(r, r.before(), roles, groupMembers == null ? null : groupMembers.before());
        ObjectNode after = r.after() == null ? null
                : data(r, r.after(), roles, groupMembers == null ? null : groupMembers.after());
        ArrayNode changed = n.putArray("changed_fields");
        ObjectNode previous = Json.object();
        if (before != null && after != null) {
            for (Iterator<String> it = after.propertyNames().iterator(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("date_updated") && !after.get(field).equals(before.get(field))) {
                    changed.add(field);
                    previous.set(field, before.get(field));
                }
            }
        }
        n.set("data", after != null ? after : before);
        n.set("previous_data", previous);
        n.putObject("meta");
        return n;
    }

    /** A native snapshot in Close's shape. */
    private static ObjectNode data(ChangeRecord r, JsonNode s, OrgRoles roles, List<GroupMember> groupMembers) {
        ObjectNode d = Json.object();
        switch (r.objectType().wire()) {
            case "member" -> {
                d.put("id", CloseWire.membershipId(s.get("id").longValue()));
                d.put("organization_id", CloseWire.orgId(r.orgId()));
                d.put("user_id", s.get("user_id").stringValue());
                JsonNode role = s.get("role_id");
                d.put("role_id", role == null || role.isNull() ? null : roles.closeId(role.longValue()));
            }
            case "close_membership_settings" -> {
                d.put("id", CloseWire.membershipId(s.get("member_id").longValue()));
                d.put("organization_id", CloseWire.orgId(r.orgId()));
                d.put("user_id", s.get("user_id").stringValue());
                for (String field : List.of("auto_record_calls", "track_email_opens", "default_caller_id",
                        "default_caller_id_mode", "hangup_recording_url", "may_workflows_impersonate")) {
                    d.set(field, s.get(field));
                }
            }
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
