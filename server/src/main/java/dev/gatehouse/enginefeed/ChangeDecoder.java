package dev.gatehouse.enginefeed;

import dev.gatehouse.assignment.LoggedAssignment;
import dev.gatehouse.assignment.LoggedImport;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.grant.LoggedGrants;
import dev.gatehouse.member.LoggedMember;
import dev.gatehouse.member.MemberStatus;
import dev.gatehouse.org.LoggedOrganization;
import dev.gatehouse.resource.LoggedResource;
import dev.gatehouse.role.LoggedRole;
import dev.gatehouse.role.RoleVisibility;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The one decoder from the change log into the engine: turns a committed change record into the engine
 * operations it stands for. Organizations, roles, members, assignments and resources (their parents) decide, and
 * so does a bulk import's record of many assignments ({@code bulk_import}: one operation per assignment its
 * objects list, in order);
 * every other object type
 * decodes to no operation — also one only a newer version knows (models reach the engine through the model
 * registry, which must apply a model's record before an organization names it — it listens first).
 *
 * <p>A snapshot is read by the field names of its object type's change-log codec ({@code LoggedRole} and its
 * siblings), never by the native API's: renaming an API field cannot change a decision, and every record the
 * change log holds — written before or after this class existed — decodes alike. The object was removed when a
 * record has no {@code after}; its id is then the record's object id (of an assignment, read from
 * {@code before}). A field that is missing or of the wrong kind is an {@link UndecodableChangeException} naming
 * it, never a default: a node that cannot apply a change must say so and reload.
 *
 * <p>Operations are built by {@link EngineOps}, as the loader's are. Stateless.
 */
public final class ChangeDecoder {

    private ChangeDecoder() {
    }

    public static List<EngineOp> decode(ChangeRecord record) {
        ObjectType type = record.objectType();
        if (type == ObjectType.ORGANIZATION) {
            return organization(record);
        }
        if (type == ObjectType.ROLE) {
            return role(record);
        }
        if (type == ObjectType.MEMBER) {
            return member(record);
        }
        if (type == ObjectType.ASSIGNMENT) {
            return assignment(record);
        }
        if (type == ObjectType.RESOURCE) {
            return resource(record);
        }
        if (type == ObjectType.MEMBER_GRANTS) {
            return grants(record);
        }
        if (type == ObjectType.BULK_IMPORT) {
            return imported(record);
        }
        return List.of();
    }

    private static List<EngineOp> organization(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        if (after == null) {
            return List.of(new EngineOp.RemoveOrganization(orgId));
        }
        return List.of(EngineOps.organization(orgId, after.text(LoggedOrganization.MODEL)));
    }

    private static List<EngineOp> role(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        if (after == null) {
            return List.of(new EngineOp.RemoveRole(orgId, objectId(record)));
        }
        Snapshot visibility = after.objectOrNull(LoggedRole.VISIBILITY);
        return List.of(EngineOps.role(orgId, after.number(LoggedRole.ID), after.textOrNull(LoggedRole.KEY),
                after.text(LoggedRole.NAME), after.strings(LoggedRole.PERMISSIONS), after.bool(LoggedRole.EXTERNAL),
                visibility == null ? null : visibility.roleVisibility()));
    }

    private static List<EngineOp> member(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        if (after == null) {
            return List.of(new EngineOp.RemoveMember(orgId, objectId(record)));
        }
        return List.of(EngineOps.member(orgId, after.number(LoggedMember.ID), after.text(LoggedMember.USER_ID),
                after.numberOrNull(LoggedMember.ROLE_ID), after.bool(LoggedMember.EXTERNAL),
                after.status(LoggedMember.STATUS)));
    }

    private static List<EngineOp> assignment(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        Snapshot state = after != null ? after : Snapshot.of(record, "before", record.before());
        if (state == null) {
            throw new UndecodableChangeException(record, "before", "is missing from a removed assignment", null);
        }
        Snapshot resource = state.object(LoggedAssignment.RESOURCE);
        String type = resource.text(LoggedAssignment.RESOURCE_TYPE);
        String id = resource.text(LoggedAssignment.RESOURCE_ID);
        long memberId = state.number(LoggedAssignment.MEMBER_ID);
        if (after == null) {
            return List.of(new EngineOp.RemoveAssignment(orgId, type, id, memberId));
        }
        return List.of(EngineOps.assignment(orgId, type, id, memberId, after.number(LoggedAssignment.ROLE_ID)));
    }

    private static List<EngineOp> resource(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        Snapshot state = after != null ? after : Snapshot.of(record, "before", record.before());
        if (state == null) {
            throw new UndecodableChangeException(record, "before", "is missing from a removed resource", null);
        }
        String type = state.text(LoggedResource.TYPE);
        String id = state.text(LoggedResource.ID);
        if (after == null) {
            return List.of(EngineOps.resourceRemoved(orgId, type, id));
        }
        Snapshot parent = after.objectOrNull(LoggedResource.PARENT);
        return List.of(EngineOps.resource(orgId, type, id,
                parent == null ? null : parent.text(LoggedResource.PARENT_ID)));
    }

    /** The assignments a bulk import's run gave ({@link LoggedImport}), each as its own record would decode. */
    private static List<EngineOp> imported(ChangeRecord record) {
        long orgId = orgId(record);
        if (record.objects() == null) {
            throw new UndecodableChangeException(record, "objects", "is missing", null);
        }
        List<EngineOp> ops = new ArrayList<>();
        try {
            LoggedImport.read(record.objects(), e -> ops.add(EngineOps.assignment(orgId, e.type(), e.resourceId(),
                    e.memberId(), e.roleId())));
        } catch (IllegalArgumentException e) {
            throw new UndecodableChangeException(record, "objects", e.getMessage(), e);
        }
        return ops;
    }

    /** A member's grants replaced whole; removed (no {@code after}) is the empty set. */
    private static List<EngineOp> grants(ChangeRecord record) {
        long orgId = orgId(record);
        Snapshot after = Snapshot.of(record, "after", record.after());
        if (after == null) {
            return List.of(EngineOps.grants(orgId, objectId(record), List.of()));
        }
        return List.of(EngineOps.grants(orgId, after.number(LoggedGrants.MEMBER_ID),
                after.strings(LoggedGrants.PERMISSIONS)));
    }

    private static long orgId(ChangeRecord record) {
        if (record.orgId() == null) {
            throw new UndecodableChangeException(record, "org_id", "is missing", null);
        }
        return record.orgId();
    }

    private static long objectId(ChangeRecord record) {
        try {
            return Long.parseLong(record.objectId());
        } catch (NumberFormatException e) {
            throw new UndecodableChangeException(record, "object_id", "is not a number", e);
        }
    }

    /** One object of a record's snapshot, read strictly; {@code path} names it in errors. */
    private record Snapshot(ChangeRecord record, String path, JsonNode node) {

        /** The snapshot, or null when the record has none there (a JSON null counts as none). */
        static Snapshot of(ChangeRecord record, String path, JsonNode node) {
            return node == null || node.isNull() ? null : new Snapshot(record, path, node);
        }

        private JsonNode field(String name, boolean ok, String kind) {
            JsonNode value = node.get(name);
            if (value == null || !ok) {
                throw new UndecodableChangeException(record, path + "." + name,
                        value == null ? "is missing" : "is not " + kind, null);
            }
            return value;
        }

        String text(String name) {
            JsonNode value = node.get(name);
            return field(name, value != null && value.isString(), "a string").stringValue();
        }

        /** A string, or null where the field is absent or null. */
        String textOrNull(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : text(name);
        }

        long number(String name) {
            JsonNode value = node.get(name);
            return field(name, value != null && value.isIntegralNumber(), "an integer").longValue();
        }

        /** An integer, or null where the field is absent or null. */
        Long numberOrNull(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : number(name);
        }

        boolean bool(String name) {
            JsonNode value = node.get(name);
            return field(name, value != null && value.isBoolean(), "a boolean").booleanValue();
        }

        List<String> strings(String name) {
            JsonNode value = node.get(name);
            boolean ok = value != null && value.isArray();
            if (ok) {
                for (JsonNode item : value) {
                    ok &= item.isString();
                }
            }
            List<String> out = new ArrayList<>();
            field(name, ok, "an array of strings").forEach(item -> out.add(item.stringValue()));
            return out;
        }

        Snapshot object(String name) {
            JsonNode value = node.get(name);
            return new Snapshot(record, path + "." + name, field(name, value != null && value.isObject(), "an object"));
        }

        /** An object, or null where the field is absent or null. */
        Snapshot objectOrNull(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : object(name);
        }

        MemberStatus status(String name) {
            String text = text(name);
            try {
                return MemberStatus.of(text);
            } catch (IllegalArgumentException e) {
                throw new UndecodableChangeException(record, path + "." + name, "is not a member status", e);
            }
        }

        /** This object as a role's visibility settings ({@code user_field_ids}, {@code unassigned}). */
        RoleVisibility roleVisibility() {
            List<String> fields = strings(LoggedRole.USER_FIELD_IDS);
            String unassigned = text(LoggedRole.UNASSIGNED);
            try {
                return new RoleVisibility(fields, unassigned);
            } catch (IllegalArgumentException e) {
                throw new UndecodableChangeException(record, path + "." + LoggedRole.UNASSIGNED,
                        "is not a behaviour", e);
            }
        }
    }
}
