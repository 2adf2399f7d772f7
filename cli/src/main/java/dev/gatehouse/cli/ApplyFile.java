package dev.gatehouse.cli;

import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.client.Roles.Visibility;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Text;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.sql.NameKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * An organization's roles and members as an apply file declares them (docs/cli.md, "apply"), read and checked
 * whole before anything is compared or changed: unknown fields, wrong types, missing names, values the server
 * would refuse (an email that is none, a name too long, a control character, a user id ending in a no-break space)
 * and duplicates are errors naming where they are. Every text the plan sends is checked by the server's own rule for
 * text ({@link Text#problem}, the server's code): no control character — in a user id or a resource, which paths
 * carry, not even a tab or a line break — and no unpaired surrogate; it is checked as written, before whitespace is
 * stripped, as the server reads the request before it strips. A user id and an email are taken as written, as the
 * server takes them, and checked by its own rules ({@link Fields#identifierProblem}, {@link MemberRef#userIdProblem},
 * {@link Fields#emailProblem}): neither begins nor ends with whitespace or another invisible character, which the
 * server refuses rather than trims, a user id does not begin with {@code id:} or {@code user:}, and an email is one by
 * the server's measure. A resource's id is checked by the server's rule for one ({@link ResourceType#idProblem}: 1 to
 * 200 characters), an assignment's end by the server's bounds of a date-time (years 1 to 9999). Duplicates are found
 * as the server finds them: role names by the server's own rule ({@link NameKey}, Unicode's full case folding:
 * {@code Gruß} is {@code GRUSS}) and as {@link RoleIds#fold} folds them, emails as {@link RoleIds#fold} folds them,
 * user ids exactly. Role names and members' first and last names are taken without the spaces of every kind at
 * their ends and checked by the
 * server's rule for names ({@link Fields#nameProblem}: no invisible character but where a person writes one), as the
 * server stores a name, so that a second apply compares what the first one wrote; role references are taken without
 * surrounding whitespace. Lengths are counted in characters (code points), as the server counts them.
 * Immutable.
 *
 * @param org   the organization's id, or null when the file leaves it to {@code --org}
 * @param prune whether objects the file does not declare are removed
 */
record ApplyFile(Long org, boolean prune, List<RoleDecl> roles, List<MemberDecl> members) {

    private static final Set<String> TOP = Set.of("org", "prune", "roles", "members");
    private static final Set<String> ROLE = Set.of("name", "description", "permissions", "external", "visibility");
    private static final Set<String> VISIBILITY = Set.of("user_field_ids", "unassigned");
    private static final Set<String> MEMBER = Set.of("user_id", "email", "first_name", "last_name", "role",
            "external", "status", "assignments");
    private static final Set<String> ASSIGNMENT = Set.of("resource", "role", "until");
    /** How an assignment's {@code until} says that the role has no end. */
    static final String NEVER = "never";

    private static final int MAX_ROLE_NAME = 100;
    private static final int MAX_DESCRIPTION = 2000;
    private static final int MAX_USER_FIELD = 200;
    /** The server's bounds of a visibility's user field ids (its wire limits; the model's rule is narrower). */
    private static final int MAX_FIELD_IDS = 100;
    private static final int MAX_FIELD_ID = 128;

    ApplyFile {
        roles = List.copyOf(roles);
        members = List.copyOf(members);
    }

    /**
     * A custom role.
     *
     * @param description null: not managed
     * @param permissions null: not managed
     * @param external    null: not managed (it can only be set when the role is created)
     * @param visibility  which records its holders see; null: none, as a role holding the model's "sees all"
     *                    permission has, or any role of a model without record visibility. Always managed, since
     *                    the server requires it or forbids it by the role's permissions.
     */
    record RoleDecl(String name, String description, List<String> permissions, Boolean external,
                    Visibility visibility) {
    }

    /**
     * A member, by the product's user id.
     *
     * @param role        its company role's name (or id), null for an external member
     * @param status      null: not managed
     * @param assignments null: the member's resource roles are not managed
     */
    record MemberDecl(String userId, String email, String firstName, String lastName, String role, boolean external,
                      Status status, List<AssignmentDecl> assignments) {
    }

    /**
     * A member's role on one resource.
     *
     * @param endManaged whether the file says when the role ends; when not, a role changed keeps the end it has
     * @param until      when the role ends ({@code until: INSTANT}, to the microsecond the server keeps), or null
     *                   when it has no end ({@code until: never}); only when {@code endManaged}
     */
    record AssignmentDecl(ResourceRef resource, String role, boolean endManaged, Instant until) {
    }

    /** The declarations of the YAML tree {@code root}, read from {@code source} (for messages). */
    static ApplyFile parse(JsonNode root, String source) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new CliException(source + ": the file is empty");
        }
        Yaml.requireObject(root, source, TOP);
        Long org = null;
        JsonNode orgNode = root.get("org");
        if (orgNode != null && !orgNode.isNull()) {
            if (!orgNode.canConvertToLong() || !orgNode.isIntegralNumber()) {
                throw new CliException(source + ": org must be an organization's id (a number), got " + orgNode);
            }
            org = orgNode.longValue();
        }
        boolean prune = Yaml.flag(root, "prune", source, false);

        List<RoleDecl> roles = new ArrayList<>();
        Map<String, String> roleNames = new HashMap<>();
        Map<String, String> roleKeys = new HashMap<>();
        List<JsonNode> roleNodes = Yaml.items(root, "roles", source);
        for (int i = 0; i < roleNodes.size(); i++) {
            String where = source + ": roles[" + i + "]";
            JsonNode node = roleNodes.get(i);
            Yaml.requireObject(node, where, ROLE);
            String name = name(node, "name", MAX_ROLE_NAME, where, true);
            // the server holds a name unique by lower() and by its name key (docs/api.md, "Names"): Gruß is GRUSS
            String twin = roleNames.putIfAbsent(RoleIds.fold(name), name);
            String keyTwin = roleKeys.putIfAbsent(NameKey.of(name), name);
            twin = twin != null ? twin : keyTwin;
            if (twin != null) {
                throw new CliException(where + ": role \"" + name + "\" is declared twice" + (twin.equals(name) ? ""
                        : " (as \"" + twin + "\": role names are compared ignoring case)"));
            }
            JsonNode external = node.get("external");
            roles.add(new RoleDecl(name, limited(text(node, "description", where, true), MAX_DESCRIPTION,
                    "description", where), texts(node, "permissions", where),
                    external == null || external.isNull() ? null : Yaml.flag(node, "external", where, false),
                    visibility(node, where)));
        }

        List<MemberDecl> members = new ArrayList<>();
        Set<String> userIds = new HashSet<>();
        Map<String, String> emails = new HashMap<>();
        List<JsonNode> memberNodes = Yaml.items(root, "members", source);
        for (int i = 0; i < memberNodes.size(); i++) {
            String where = source + ": members[" + i + "]";
            JsonNode node = memberNodes.get(i);
            Yaml.requireObject(node, where, MEMBER);
            String userId = userId(node, where);
            if (!userIds.add(userId)) {
                throw new CliException(where + ": member \"" + userId + "\" is declared twice");
            }
            boolean external = Yaml.flag(node, "external", where, false);
            String role = stripped(node, "role", where);
            if (external == (role != null)) {
                throw new CliException(where + ": member \"" + userId + "\" needs a company role (role: NAME), or "
                        + "external: true without one");
            }
            String statusText = text(node, "status", where, true);
            Status status = null;
            if (statusText != null) {
                try {
                    status = StatusText.parse(statusText);
                } catch (IllegalArgumentException e) {
                    throw new CliException(where + ": " + e.getMessage());
                }
            }
            String email = email(node, where);
            String twin = emails.putIfAbsent(RoleIds.fold(email), email);
            if (twin != null) {
                throw new CliException(where + ": email \"" + email + "\" is declared twice" + (twin.equals(email) ? ""
                        : " (as \"" + twin + "\": emails are compared ignoring case)"));
            }
            members.add(new MemberDecl(userId, email,
                    name(node, "first_name", MAX_USER_FIELD, where, false),
                    name(node, "last_name", MAX_USER_FIELD, where, false),
                    role, external, status, assignments(node, where)));
        }
        return new ApplyFile(org, prune, roles, members);
    }

    /** A role's {@code visibility: {user_field_ids: [...], unassigned: ...}}, or null when it has none. */
    private static Visibility visibility(JsonNode role, String where) {
        JsonNode node = role.get("visibility");
        if (node == null || node.isNull()) {
            return null;
        }
        String at = where + ".visibility";
        Yaml.requireObject(node, at, VISIBILITY);
        List<String> fields = texts(node, "user_field_ids", at);
        if (fields == null || fields.isEmpty()) {
            throw new CliException(at + ": user_field_ids is required: the user fields (1 or more) through which "
                    + "the role's holders see records");
        }
        if (fields.size() > MAX_FIELD_IDS) {
            throw new CliException(at + ": user_field_ids must hold at most " + MAX_FIELD_IDS + " fields, got "
                    + fields.size());
        }
        fields.forEach(field -> limited(field, MAX_FIELD_ID, "user_field_ids", at));
        String unassigned = text(node, "unassigned", at, true);
        if (unassigned == null) {
            throw new CliException(at + ": unassigned is required: require_assignment (records naming nobody in "
                    + "the fields are hidden) or allow_unassigned (they are visible)");
        }
        return new Visibility(fields, VisibilityRule.unassigned(unassigned, at + ": unassigned"));
    }

    private static List<AssignmentDecl> assignments(JsonNode member, String where) {
        JsonNode value = member.get("assignments");
        if (value == null || value.isNull()) {
            return null;
        }
        List<AssignmentDecl> assignments = new ArrayList<>();
        Set<ResourceRef> resources = new HashSet<>();
        List<JsonNode> nodes = Yaml.items(member, "assignments", where);
        for (int i = 0; i < nodes.size(); i++) {
            String at = where + ".assignments[" + i + "]";
            JsonNode node = nodes.get(i);
            Yaml.requireObject(node, at, ASSIGNMENT);
            ResourceRef resource;
            try {
                resource = Lookup.resource(required(node, "resource", at, false));
            } catch (CliException e) {
                throw new CliException(at + ": " + e.getMessage());
            }
            // the server's own rule for the id of a resource a role is given on (no dot segment); its type is the
            // model's, checked by ApplyRules
            String idProblem = ResourceType.recordedIdProblem(resource.id());
            if (idProblem != null) {
                throw new CliException(at + ": resource: " + idProblem);
            }
            if (!resources.add(resource)) {
                throw new CliException(at + ": resource " + resource.type() + ":" + resource.id()
                        + " is declared twice for this member");
            }
            String role = required(node, "role", at, true);
            String until = text(node, "until", at, false);
            assignments.add(until == null ? new AssignmentDecl(resource, role, false, null)
                    : new AssignmentDecl(resource, role, true, until(until.strip(), at)));
        }
        return assignments;
    }

    /**
     * An assignment's end: {@link #NEVER}, or an instant ({@code 2027-01-31T00:00:00Z}) in the future — the server
     * refuses an end that has passed — kept to the microsecond, as the server keeps it, so that the next apply finds
     * it unchanged.
     */
    private static Instant until(String text, String where) {
        if (NEVER.equals(text)) {
            return null;
        }
        Instant until;
        try {
            until = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new CliException(where + ": until must be an instant like 2027-01-31T00:00:00Z, or never");
        }
        // the server's own bounds of a date-time it reads (Rfc3339): a later year is sent with a sign and refused
        if (!Text.representable(until)) {
            throw new CliException(where + ": until must lie within years 1 to 9999, got " + until);
        }
        if (!until.isAfter(Instant.now())) {
            throw new CliException(where + ": until must lie in the future (the server refuses an end that has "
                    + "passed), got " + until);
        }
        return until;
    }

    /**
     * A text field as the server would take it in a request, or null when absent: free of what {@link Text#problem}
     * refuses, checked as written (a character Java counts as whitespace, such as U+001F, would otherwise be
     * stripped here and reach the server in the next apply's spelling, or be refused by it midway).
     *
     * @param lineBreaks whether tab, line feed and carriage return are allowed: in a request body, not in a value
     *                   a path carries (a user id, a resource)
     */
    private static String text(JsonNode node, String field, String where, boolean lineBreaks) {
        return acceptable(Yaml.text(node, field, where), field, where, lineBreaks);
    }

    /** A list of texts (each as {@link #text} takes it, in a request body), or null when absent. */
    private static List<String> texts(JsonNode node, String field, String where) {
        List<String> texts = Yaml.texts(node, field, where);
        if (texts != null) {
            for (int i = 0; i < texts.size(); i++) {
                acceptable(texts.get(i), field + "[" + i + "]", where, true);
            }
        }
        return texts;
    }

    /** {@code value} (null included) when {@link Text#problem} finds nothing wrong with it. */
    private static String acceptable(String value, String field, String where, boolean lineBreaks) {
        String problem = value == null ? null : Text.problem(value, lineBreaks);
        if (problem != null) {
            // as the server says it; the value itself is not quoted, since it holds what a terminal would act on
            throw new CliException(where + ": " + field + " " + problem + (lineBreaks ? ""
                    : ", which no path can name"));
        }
        return value;
    }

    /** A required text without its surrounding whitespace. */
    private static String required(JsonNode node, String field, String where, boolean lineBreaks) {
        String value = text(node, field, where, lineBreaks);
        if (value == null || value.isBlank()) {
            throw new CliException(where + ": " + field + " is required");
        }
        return value.strip();
    }

    /** An optional text (in a request body) without its surrounding whitespace; present but blank is an error. */
    private static String stripped(JsonNode node, String field, String where) {
        String value = text(node, field, where, true);
        if (value != null && value.isBlank()) {
            throw new CliException(where + ": " + field + " must not be blank");
        }
        return value == null ? null : value.strip();
    }

    /**
     * A name, as the server takes it ({@link Fields#name}, {@link Fields#nameOrEmpty}): without the spaces of every kind
     * at its ends ({@link Fields#stripSpaces}, the no-break spaces too) and composed ({@link Fields#asName}), so that a
     * second apply compares what the first one wrote, and checked by the server's own rule for names ({@link Fields#nameProblem}): no invisible character
     * anywhere but where a person writes one, so that no role looks exactly like another (or like a system role). A
     * role's name is {@code required}; a member's first or last name is null when absent, and {@code ""} (or spaces
     * alone) empties it.
     */
    private static String name(JsonNode node, String field, int maxLength, String where, boolean required) {
        String name = limited(text(node, field, where, true), maxLength, field, where);
        if (name == null || Fields.stripSpaces(name).isEmpty()) {
            if (required) {
                throw new CliException(where + ": " + field + " is required");
            }
            return name == null ? null : "";
        }
        String problem = Fields.nameProblem(name);
        if (problem != null) {
            throw new CliException(where + ": " + field + " " + problem);
        }
        return Fields.asName(name);
    }

    /**
     * A member's user id, taken as written, as the server takes it, and checked by the server's own rules: the one it
     * reads a given user id by ({@link Fields#identifierProblem}: no whitespace nor another invisible character at an
     * end), and the one every new member's user id meets ({@link MemberRef#userIdProblem}: its length, no control
     * character, no {@code id:} or {@code user:} in front, which a path reads as a reference's form). One the server
     * would refuse is refused here, never stripped into another member's id.
     */
    private static String userId(JsonNode node, String where) {
        String userId = text(node, "user_id", where, false);
        if (userId == null) {
            throw new CliException(where + ": user_id is required");
        }
        String problem = Fields.identifierProblem(userId);
        if (problem == null) {
            problem = MemberRef.userIdProblem(userId);
        }
        if (problem != null) {
            throw new CliException(where + ": user_id " + problem);
        }
        return userId;
    }

    /** A member's email, taken as written and checked by the server's own rule ({@link Fields#emailProblem}). */
    private static String email(JsonNode node, String where) {
        String email = text(node, "email", where, true);
        if (email == null) {
            throw new CliException(where + ": email is required");
        }
        String problem = Fields.emailProblem(email);
        if (problem != null) {
            throw new CliException(where + ": email " + problem);
        }
        return email;
    }

    /**
     * {@code value} (null included) when it is at most {@code max} characters long, as the server requires: counted
     * in code points, as the server counts them (a character beyond the BMP, an emoji, is one).
     */
    private static String limited(String value, int max, String field, String where) {
        int characters = value == null ? 0 : value.codePointCount(0, value.length());
        if (characters > max) {
            throw new CliException(where + ": " + field + " must be at most " + max + " characters, got "
                    + characters);
        }
        return value;
    }
}
