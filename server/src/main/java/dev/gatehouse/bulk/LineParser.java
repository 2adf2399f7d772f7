package dev.gatehouse.bulk;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.MalformedJson;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.office.OfficeFields;
import dev.gatehouse.room.AccessLevel;
import dev.gatehouse.room.Room;
import dev.gatehouse.role.RoleInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Reads one import line: a JSON object with {@code type} (what it addresses), optional {@code op}
 * ({@code upsert}, the default, or {@code delete}) and the object's fields under the native API's names (see
 * docs/api.md, "Bulk import and export"). Unknown fields, wrong types and missing required fields are a 400
 * naming every bad field, as the native API answers them; whether the names resolve is for the writer to say.
 * Stateless, thread-safe.
 */
final class LineParser {

    static final Set<String> OPS = Set.of("upsert", "delete");
    private static final Set<String> ROLE_FIELDS = Stream.concat(Stream.of("type", "op"),
            RoleInput.FIELDS.stream()).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> STATUSES = Set.of(Member.ACTIVE, Member.INVITED, Member.DEACTIVATED);
    /**
     * Where {@link Json#parse} says a text broke, ending its detail: its line (1 in a line, unless a carriage return
     * inside it counts as a line break) and its column in that line.
     */
    private static final Pattern PLACE = Pattern.compile(" \\(line (\\d+), column (\\d+)\\)$");

    private LineParser() {
    }

    /**
     * The line's object; a 400 when it is not a valid line. {@code cutOff}: the body ended inside this line, which is
     * said ({@code truncated_line}) when its JSON ends before its object does; any other mistake in a last line sent
     * without its line feed is told as on any line. {@code deployment}: the line is of a deployment's import, the one
     * that takes {@code organization} lines (an organization's import refuses them, and does not offer them).
     */
    static ImportLine parse(long line, byte[] bytes, boolean cutOff, boolean deployment) {
        if (startsWithByteOrderMark(bytes)) {
            // the JSON parser would skip it silently, as at the start of any text; only the body's first is skipped
            throw new InvalidInputException("invalid_json", "malformed JSON: the line starts with a byte order mark "
                    + "(U+FEFF), which is allowed only at the start of the body");
        }
        JsonNode node;
        try {
            node = Json.parse(bytes);
        } catch (InvalidInputException e) {
            if (cutOff && MalformedJson.endedEarly(e.getCause())) {
                throw new InvalidInputException("truncated_line", "the body ends inside this line, which is not a "
                        + "complete JSON object; send the whole line");
            }
            throw placedInLine(e);
        }
        Fields f = Fields.of(node);
        String type = f.string("type", true, 32);
        String op = f.string("op", false, 16);
        if (op != null && !OPS.contains(op)) {
            f.error("op", "must be one of " + OPS.stream().sorted().toList());
        }
        f.check();
        if (type.equals("organization") && !deployment) {
            // told before its fields are read: "model: is required" would send the reader the wrong way
            throw new InvalidInputException("invalid_input", "type: an organization line belongs to a deployment's "
                    + "import (POST /v1/import), not to an organization's", Map.of("type",
                    "not in an organization's import"));
        }
        boolean delete = "delete".equals(op);
        ImportLine parsed = switch (type) {
            case "organization" -> organization(line, f, delete);
            case "header" -> header(line, f);
            case "role" -> role(line, f, delete);
            case "member" -> member(line, f, delete);
            case "group" -> group(line, f, delete);
            case "group_member" -> groupMember(line, f, delete);
            case "grants" -> grants(line, f, delete);
            case "resource" -> resource(line, f, delete);
            case "assignment" -> assignment(line, f, delete);
            case "region", "office", "room", "room_user", "rooms_profile" -> roomsObject(line, f, type, delete);
            default -> throw new InvalidInputException("invalid_input", "type: must be one of " + types(deployment)
                    + ", got \"" + Fields.abbreviate(type) + "\"", Map.of("type", "unknown type"));
        };
        f.check();
        return parsed;
    }

    /** The types a line of a deployment's import, or else of an organization's, may have, in the export's order. */
    private static List<String> types(boolean deployment) {
        return Stream.of(ImportLine.Kind.values()).filter(k -> deployment || k != ImportLine.Kind.ORGANIZATION)
                .map(ImportLine.Kind::wire).toList();
    }

    /** Whether a line starts with a UTF-8 byte order mark. */
    private static boolean startsWithByteOrderMark(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
    }

    /**
     * {@link Json#parse}'s refusal of a line, its place in the line as {@code (column C)}: the text parsed is the line
     * alone, so the parser's "line 1" says nothing (the answer's {@code line N:} is the body's). A carriage return
     * inside the line, which the parser counts as a line break, keeps its place as the parser gives it.
     */
    private static InvalidInputException placedInLine(InvalidInputException e) {
        Matcher place = PLACE.matcher(e.detail());
        if (!place.find() || !place.group(1).equals("1")) {
            return e;
        }
        return new InvalidInputException(e.code(), e.detail().substring(0, place.start()) + " (column "
                + place.group(2) + ")", e.fieldErrors(), e.getCause());
    }

    /**
     * {@code name} and {@code model} (a new organization, as {@code POST /v1/orgs} takes them) or {@code org_id}
     * (an existing one, {@code model} then optional); an import does not delete organizations.
     */
    private static ImportLine organization(long line, Fields f, boolean delete) {
        f.allowOnly(Set.of("type", "op", "name", "model", "org_id"));
        if (delete) {
            f.error("op", "an import does not delete organizations (DELETE /v1/orgs/{org} does)");
        }
        boolean existing = given(f, "org_id");
        Long orgId = f.id("org_id", false);
        String name = f.name("name", !existing, 200);
        String model = f.text("model", !existing, 100);
        if (existing && name != null) {
            f.error("name", "names a new organization; an existing one is named by org_id alone");
        }
        return valid(f, () -> new ImportLine.Organization(line, name, model, orgId));
    }

    private static ImportLine header(long line, Fields f) {
        f.allowOnly(Set.of("type", "model", "org_id", "revision", "exported_at"));
        String model = f.text("model", true, 100);
        // what an export says of where it came from: not used, but checked like any field
        f.id("org_id", false);
        f.integer("revision", false, 0, Long.MAX_VALUE);
        f.instant("exported_at");
        return valid(f, () -> new ImportLine.Header(line, model));
    }

    private static ImportLine role(long line, Fields f, boolean delete) {
        if (delete) {
            f.allowOnly(Set.of("type", "op", "name"));
            // a role deleted is found by its name, which may be one stored before names followed the name rule
            String name = f.text("name", true, 100);
            return valid(f, () -> new ImportLine.Role(line, true, new RoleInput(name, null, null, null, null, false),
                    name));
        }
        f.allowOnly(ROLE_FIELDS);
        RoleInput input = RoleInput.read(f, true);
        return valid(f, () -> new ImportLine.Role(line, false, input, written(f)));
    }

    private static ImportLine member(long line, Fields f, boolean delete) {
        if (delete) {
            f.allowOnly(Set.of("type", "op", "user_id"));
            String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
            return valid(f, () -> new ImportLine.Member(line, true, userId, null, null, null, null, false, null));
        }
        f.allowOnly(Set.of("type", "op", "user_id", "email", "first_name", "last_name", "role", "role_id",
                "external", "status"));
        String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
        String email = f.email("email", true);
        String first = f.nameOrEmpty("first_name", 200);
        String last = f.nameOrEmpty("last_name", 200);
        boolean external = Boolean.TRUE.equals(f.bool("external"));
        // null keeps an existing member's company role, as null keeps its names and status (a new one needs one)
        ImportLine.RoleRef role = roleRef(f, !external && !f.isNull("role") && !f.isNull("role_id"));
        if (external && role != null) {
            f.error(f.has("role") ? "role" : "role_id", "external members hold no company role; must be absent");
        }
        String status = f.string("status", false, 32);
        if (status != null && !STATUSES.contains(status)) {
            f.error("status", "must be one of " + STATUSES.stream().sorted().toList());
        }
        return valid(f, () -> new ImportLine.Member(line, false, userId, email, first, last, role, external,
                status));
    }

    private static ImportLine group(long line, Fields f, boolean delete) {
        f.allowOnly(Set.of("type", "op", "name"));
        // a group deleted is found by its name, which may be one stored before names followed the name rule
        String name = delete ? f.text("name", true, 100) : f.name("name", true, 100);
        return valid(f, () -> new ImportLine.Group(line, delete, name, delete ? name : written(f)));
    }

    private static ImportLine groupMember(long line, Fields f, boolean delete) {
        f.allowOnly(Set.of("type", "op", "group", "user_id"));
        String group = f.text("group", true, 100);
        String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
        return valid(f, () -> new ImportLine.GroupMember(line, delete, group, userId));
    }

    private static ImportLine grants(long line, Fields f, boolean delete) {
        f.allowOnly(delete ? Set.of("type", "op", "user_id") : Set.of("type", "op", "user_id", "permissions"));
        String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
        List<String> permissions = delete ? List.of() : f.strings("permissions", true, 1_000, 200);
        return valid(f, () -> new ImportLine.Grants(line, delete, userId, permissions));
    }

    private static ImportLine resource(long line, Fields f, boolean delete) {
        f.allowOnly(delete ? Set.of("type", "op", "resource") : Set.of("type", "op", "resource", "parent"));
        ResourceRef resource = resourceRef(f.object("resource", true), !delete);
        ResourceRef parent = delete ? null : resourceRef(f.object("parent", false), false);
        return valid(f, () -> new ImportLine.Resource(line, delete, resource.type(), resource.id(),
                parent == null ? null : parent.type(), parent == null ? null : parent.id()));
    }

    /** A resource named by a line: {@code {type, id}}. */
    private record ResourceRef(String type, String id) {
    }

    /**
     * A {@code {type, id}} object's type and id (either null when invalid, its errors collected), or null when the
     * object is absent. {@code recorded}: the line records the resource, or a role on it (an upsert), so its id is
     * one a resource recorded now may have ({@link ResourceType#recordedIdProblem}: no dot segment); a line that only
     * names it (a delete, a parent) names one stored before as stored.
     */
    private static ResourceRef resourceRef(Fields ref, boolean recorded) {
        if (ref == null) {
            return null;
        }
        ref.allowOnly(Set.of("type", "id"));
        String type = ref.text("type", true, 64);
        String id = ref.string("id", true, 200);
        if (id != null && id.isEmpty()) {
            ref.error("id", "must not be empty");
        } else if (id != null && recorded) {
            String problem = ResourceType.recordedIdProblem(id);
            if (problem != null) {
                ref.error("id", problem);
            }
        }
        return new ResourceRef(type, id);
    }

    private static ImportLine assignment(long line, Fields f, boolean delete) {
        f.allowOnly(delete ? Set.of("type", "op", "resource", "user_id")
                : Set.of("type", "op", "resource", "user_id", "role", "role_id", "expires_at"));
        ResourceRef resource = resourceRef(f.object("resource", true), !delete);
        String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
        ImportLine.RoleRef role = delete ? null : roleRef(f, true);
        Instant expiresAt = f.instant("expires_at");
        return valid(f, () -> new ImportLine.Assignment(line, delete, resource.type(), resource.id(), userId, role,
                expiresAt));
    }

    /**
     * A line about one of the Rooms dialect's objects, as {@link ExportService} writes it: upserts only (an import
     * deletes none of them: the Rooms API does). Their optional texts are read as the Rooms API and the native API
     * read them ({@link Fields#optional}): a blank one is refused, as those APIs refuse it.
     */
    private static ImportLine roomsObject(long line, Fields f, String type, boolean delete) {
        if (delete) {
            f.error("op", "an import does not delete " + type + "s; delete them through the Rooms API");
        }
        return switch (type) {
            case "region" -> {
                f.allowOnly(Set.of("type", "op", "id", "name", "created_at"));
                Integer id = roomsId(f, "id", true);
                String name = f.name("name", true, 200);
                Instant createdAt = f.instant("created_at");
                yield valid(f, () -> new ImportLine.Region(line, id, name, createdAt));
            }
            case "office" -> {
                f.allowOnly(Set.of("type", "op", "id", "name", "region_id", "address1", "address2", "city",
                        "state_id", "postal_code", "country_id", "time_zone_id", "phone", "created_at"));
                Integer id = roomsId(f, "id", true);
                OfficeFields fields = new OfficeFields(f.name("name", true, 200), roomsId(f, "region_id", false),
                        f.optional("address1", 200), f.optional("address2", 200), f.optional("city", 200),
                        f.optional("state_id", 100), f.optional("postal_code", 100), f.optional("country_id", 100),
                        f.optional("time_zone_id", 100), f.optional("phone", 100));
                Instant createdAt = f.instant("created_at");
                yield valid(f, () -> new ImportLine.Office(line, id, fields, createdAt));
            }
            case "room" -> {
                f.allowOnly(Set.of("type", "op", "id", "name", "office_id", "status", "owners", "created_by",
                        "transaction_side_id", "template_id", "listing_source", "field_data", "created_at",
                        "updated_at"));
                Integer id = roomsId(f, "id", true);
                String name = f.name("name", true, 200);
                Integer officeId = roomsId(f, "office_id", false);
                String status = f.string("status", true, 16);
                if (status != null && !Room.ACTIVE.equals(status)) {
                    // no review or closing flow: a room stored otherwise would drop out of its owner's list unseen
                    f.error("status", "must be \"" + Room.ACTIVE + "\": Gatehouse has no review or closing flow for "
                            + "rooms, got \"" + Fields.abbreviate(status) + "\"");
                }
                List<String> owners = f.strings("owners", true, 1_000, MemberRef.MAX_LENGTH);
                if (owners != null && new HashSet<>(owners).size() < owners.size()) {
                    // a room's owners are a set (Rooms' roomOwnerIds): the same user twice would be stored twice
                    f.error("owners", "names a user twice");
                }
                String createdBy = f.identifier("created_by", false, MemberRef.MAX_LENGTH);
                String side = f.optional("transaction_side_id", 100);
                Integer template = roomsId(f, "template_id", false);
                String listing = f.optional("listing_source", 200);
                JsonNode data = f.node().get("field_data");
                if (data != null && !data.isNull() && !data.isObject()) {
                    f.error("field_data", "must be an object");
                }
                String fieldData = data == null || data.isNull() || !data.isObject() ? null : data.toString();
                Instant createdAt = f.instant("created_at");
                Instant updatedAt = f.instant("updated_at");
                yield valid(f, () -> new ImportLine.Room(line, id, name, officeId, status, owners, createdBy, side,
                        template, listing, fieldData, createdAt, updatedAt));
            }
            case "room_user" -> {
                f.allowOnly(Set.of("type", "op", "room_id", "user_id", "invited_by", "transaction_side_id",
                        "revoked_role", "revoked_role_id", "revoked_at"));
                Integer roomId = roomsId(f, "room_id", true);
                String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
                String invitedBy = f.identifier("invited_by", false, MemberRef.MAX_LENGTH);
                String side = f.optional("transaction_side_id", 100);
                String roleName = f.text("revoked_role", false, 100);
                Long roleId = f.id("revoked_role_id", false);
                if (roleName != null && roleId != null) {
                    f.error("revoked_role", "name the role by revoked_role or by revoked_role_id, not both");
                }
                Instant revokedAt = f.instant("revoked_at");
                boolean revoked = roleName != null || roleId != null;
                if (revoked != (revokedAt != null)) {
                    f.error("revoked_at", revoked ? "is required with revoked_role" : "is given only with revoked_role");
                }
                ImportLine.RoleRef role = !revoked || roleName != null && roleId != null ? null
                        : new ImportLine.RoleRef(roleId, roleName);
                yield valid(f, () -> new ImportLine.RoomUser(line, roomId, userId, invitedBy, side, role, revokedAt));
            }
            default -> {
                f.allowOnly(Set.of("type", "op", "user_id", "access_level", "default_office_id", "title_id", "offices",
                        "regions", "esign_permission_profile_id", "lock_reason", "invited_at"));
                String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
                String level = f.string("access_level", true, 32);
                if (level != null && AccessLevel.parse(level).isEmpty()) {
                    f.error("access_level", "must be one of " + AccessLevel.names());
                }
                Integer defaultOffice = roomsId(f, "default_office_id", false);
                Integer title = roomsId(f, "title_id", false);
                List<Integer> offices = roomsIds(f, "offices");
                List<Integer> regions = roomsIds(f, "regions");
                String esign = f.optional("esign_permission_profile_id", 200);
                // "" is a lock without a reason (RoomsProfile.NO_LOCK_REASON), as an export writes it
                String lockReason = f.optionalOrEmpty("lock_reason", 1_000);
                Instant invitedAt = f.instant("invited_at");
                yield valid(f, () -> new ImportLine.RoomsProfile(line, userId, level, defaultOffice, title, offices,
                        regions, esign, lockReason, invitedAt));
            }
        };
    }

    /** A Rooms id (a positive 32-bit integer), or null when absent or invalid (its error collected). */
    private static Integer roomsId(Fields f, String name, boolean required) {
        Long id = f.integer(name, required, 1, Integer.MAX_VALUE);
        return id == null ? null : id.intValue();
    }

    /** An array of Rooms ids; empty when absent. */
    private static List<Integer> roomsIds(Fields f, String name) {
        JsonNode v = f.node().get(name);
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        if (!v.isArray() || v.size() > 10_000) {
            f.error(name, "must be an array of at most 10000 ids");
            return ids;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.intValue() < 1) {
                f.error(name + "[" + i + "]", "must be a positive integer id");
            } else {
                ids.add(item.intValue());
            }
        }
        return ids;
    }

    /**
     * {@code role} (a name) or {@code role_id}: one of them when required, never both; null when both are absent or
     * null (then "is required" when required, unless one was given and is refused for what it holds).
     */
    private static ImportLine.RoleRef roleRef(Fields f, boolean required) {
        String name = f.text("role", false, 100);
        Long id = f.id("role_id", false);
        if (name != null && id != null) {
            f.error("role", "name the role by role or by role_id, not both");
            return null;
        }
        if (name == null && id == null) {
            if (required && !given(f, "role") && !given(f, "role_id")) {
                f.error("role", "is required (or role_id)");
            }
            return null;
        }
        return new ImportLine.RoleRef(id, name);
    }

    /** A valid line's {@code name} as it wrote it, before {@link Fields#name} trimmed and composed it. */
    private static String written(Fields f) {
        return f.node().get("name").stringValue();
    }

    /** Whether the line gives {@code name} a value: present and not null (JSON null reads as absent). */
    private static boolean given(Fields f, String name) {
        return f.has(name) && !f.isNull(name);
    }

    /** Builds the line once every field is valid: field errors first, as the native API reports them. */

    private static ImportLine valid(Fields f, Supplier<ImportLine> line) {
        f.check();
        return line.get();
    }
}
