package dev.gatehouse.client;

import dev.gatehouse.client.Decisions.Check;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the server accepts in a decision request (docs/api.md, "Decisions" and "Text"), for a replica to refuse what
 * the server refuses, with the same answer: the replica is asked the same questions through the same interface, and
 * a question that is no question must not be answered "no" in one place and 400 in the other. The rules are the
 * server's, implemented once here, since the client does not depend on the server:
 *
 * <ul>
 * <li><b>Text.</b> No string holds a control character (C0, C1, DEL; in a body tab, line feed and carriage return are
 *     allowed) or an unpaired surrogate: 400 {@code invalid_text} naming the first such string of the body, in the
 *     body's order, or 400 {@code invalid_parameter} naming the path or query parameter.</li>
 * <li><b>Member ids</b> are 1 or more: in a body 400 {@code invalid_input} naming {@code member_id} (a batch's
 *     {@code checks[i].member_id}) among the fields' limits below; in a path 400 {@code invalid_input} naming
 *     {@code member}, as a malformed member reference.</li>
 * <li><b>Lengths,</b> counted in characters (code points): a user id at most 200, a permission 128, a resource type
 *     64, a resource id 1 to 200, a record field at most 1,000 user ids of at most 200 each, a batch at most 1,000
 *     checks: 400 {@code invalid_input} naming every field that breaks one, as the server's body reader does.</li>
 * </ul>
 *
 * The order is the server's as well: a body's text, then its fields' limits; a {@code GET}'s parameters' text, then
 * its resource id and member; all before the organization is looked up. A question that passes allocates
 * nothing here. Stateless and thread-safe.
 */
final class RequestRules {

    static final int MAX_USER_ID = 200;
    static final int MAX_PERMISSION = 128;
    static final int MAX_RESOURCE_TYPE = 64;
    static final int MAX_RESOURCE_ID = 200;
    static final int MAX_BATCH = 1000;
    static final int MAX_RECORD_VALUES = 1000;
    static final int MAX_RECORD_VALUE = 200;

    /** A Gatehouse API key ({@code gh<kind>_<24 hex digits>_<secret>}): an error quoting a value never repeats one. */
    private static final Pattern KEY_SECRET = Pattern.compile("(gh[smr]_[0-9a-fA-F]{24}_)[A-Za-z0-9_-]+");
    /** The characters that reorder the text around them ({@link #abbreviate}). */
    private static final Pattern BIDI_CONTROL =
            Pattern.compile("[\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");
    private static final String ID_PREFIX = "id:";
    private static final String USER_PREFIX = "user:";

    private RequestRules() {
    }

    /** A check's body ({@code POST …/check}). */
    static void check(Check check) {
        texts(check, -1);
        thrown(limits(check, -1, null));
    }

    /** A batch's body ({@code POST …/check/batch}): one check that breaks a rule refuses the whole batch. */
    static void batch(List<Check> checks) {
        for (int i = 0; i < checks.size(); i++) {
            texts(checks.get(i), i);
        }
        Map<String, String> errors = null;
        if (checks.size() > MAX_BATCH) {
            errors = error(null, "checks", "lists " + checks.size() + " items; checks holds at most " + MAX_BATCH);
        } else {
            for (int i = 0; i < checks.size(); i++) {
                errors = limits(checks.get(i), i, errors);
            }
        }
        thrown(errors);
    }

    /** A resource lookup's body ({@code POST …/lookup/resources}). */
    static void lookupResources(MemberRef member, String permission, String type) {
        bodyText(-1, "user_id", member.userId());
        bodyText(-1, "permission", permission);
        bodyText(-1, "type", type);
        Map<String, String> errors = memberId(null, -1, member);
        errors = length(errors, -1, "user_id", member.userId(), MAX_USER_ID);
        errors = length(errors, -1, "permission", permission, MAX_PERMISSION);
        thrown(length(errors, -1, "type", type, MAX_RESOURCE_TYPE));
    }

    /** A member lookup's body ({@code POST …/lookup/members}); {@code resource} may be null. */
    static void lookupMembers(String permission, ResourceRef resource) {
        bodyText(-1, "permission", permission);
        if (resource != null) {
            bodyText(-1, "resource.type", resource.type());
            bodyText(-1, "resource.id", resource.id());
        }
        Map<String, String> errors = length(null, -1, "permission", permission, MAX_PERMISSION);
        if (resource != null) {
            errors = length(errors, -1, "resource.type", resource.type(), MAX_RESOURCE_TYPE);
            errors = resourceId(errors, -1, "resource.id", resource.id());
        }
        thrown(errors);
    }

    /** A visibility check's body ({@code POST …/visibility/check}), its record's fields in the map's order. */
    static void visible(MemberRef member, Map<String, List<String>> recordFields) {
        bodyText(-1, "user_id", member.userId());
        for (Map.Entry<String, List<String>> field : recordFields.entrySet()) {
            String name = "record.fields." + field.getKey();
            String nameProblem = problem(field.getKey(), false);
            if (nameProblem != null) {
                throw invalidText(printable(name), "the field name " + nameProblem);
            }
            List<String> users = field.getValue();
            for (int i = 0; i < users.size(); i++) {
                String problem = problem(users.get(i), true);
                if (problem != null) {
                    throw invalidText(name + "[" + i + "]", problem);
                }
            }
        }
        Map<String, String> errors = memberId(null, -1, member);
        errors = length(errors, -1, "user_id", member.userId(), MAX_USER_ID);
        for (Map.Entry<String, List<String>> field : recordFields.entrySet()) {
            String name = "record.fields." + field.getKey();
            List<String> users = field.getValue();
            if (users.size() > MAX_RECORD_VALUES) {
                errors = error(errors, name, "lists " + users.size() + " items; " + abbreviate(name) + " holds at most "
                        + MAX_RECORD_VALUES);
                continue;
            }
            for (int i = 0; i < users.size(); i++) {
                if (characters(users.get(i)) > MAX_RECORD_VALUE) {
                    errors = error(errors, name + "[" + i + "]", "must be a string of at most " + MAX_RECORD_VALUE
                            + " characters");
                }
            }
        }
        thrown(errors);
    }

    /**
     * The text of a {@code GET …/members/{member}/…}'s parameters — the member's path segment, then the resource's
     * query parameters ({@code resource} may be null) — checked before anything else, the organization included.
     */
    static void parameters(MemberRef member, ResourceRef resource) {
        if (member.userId() != null) {
            parameterText("path parameter", "member", USER_PREFIX + member.userId());
        }
        if (resource != null) {
            parameterText("query parameter", "resource_type", resource.type());
            parameterText("query parameter", "resource_id", resource.id());
        }
    }

    /** A {@code GET …/members/{member}/…}'s resource id, then its member, once its parameters' text passed. */
    static void memberAndResource(MemberRef member, ResourceRef resource) {
        String problem = resource == null ? null : resourceIdProblem(resource.id());
        if (problem != null) {
            throw invalidInput(error(null, "resource_id", problem));
        }
        if (member.memberId() != null && member.memberId() < 1) {
            throw invalidInput(error(null, "member", malformedMember(ID_PREFIX + member.memberId())));
        }
        if (member.userId() != null && characters(member.userId()) > MAX_USER_ID) {
            throw invalidInput(error(null, "member", malformedMember(USER_PREFIX + member.userId())));
        }
    }

    /** The server's reason for a path's member reference it cannot read, quoting the reference. */
    private static String malformedMember(String reference) {
        return "must name a member as <member id>, <user id>, id:<member id> or user:<user id>, got \""
                + abbreviate(reference) + "\"";
    }

    private static void texts(Check check, int index) {
        bodyText(index, "user_id", check.member().userId());
        bodyText(index, "permission", check.permission());
        if (check.resource() != null) {
            bodyText(index, "resource.type", check.resource().type());
            bodyText(index, "resource.id", check.resource().id());
        }
    }

    private static Map<String, String> limits(Check check, int index, Map<String, String> errors) {
        errors = memberId(errors, index, check.member());
        errors = length(errors, index, "user_id", check.member().userId(), MAX_USER_ID);
        errors = length(errors, index, "permission", check.permission(), MAX_PERMISSION);
        if (check.resource() != null) {
            errors = length(errors, index, "resource.type", check.resource().type(), MAX_RESOURCE_TYPE);
            errors = resourceId(errors, index, "resource.id", check.resource().id());
        }
        return errors;
    }

    /** A string of a body ({@code value} null: absent), item {@code index} of a batch's checks or (-1) the body's. */
    private static void bodyText(int index, String field, String value) {
        String problem = value == null ? null : problem(value, true);
        if (problem != null) {
            throw invalidText(name(index, field), problem);
        }
    }

    private static void parameterText(String kind, String name, String value) {
        String problem = problem(value, false);
        if (problem != null) {
            throw ReplicaDecisions.problem(400, "invalid_parameter", kind + " " + name + " " + problem,
                    Map.of(name, problem));
        }
    }

    /** {@code errors} with one for a string longer than {@code max} characters ({@code value} null: absent). */
    private static Map<String, String> length(Map<String, String> errors, int index, String field, String value,
                                              int max) {
        // at most max UTF-16 units are at most max characters: the common case counts nothing
        if (value == null || value.length() <= max || characters(value) <= max) {
            return errors;
        }
        return error(errors, name(index, field), "must be at most " + max + " characters, got " + characters(value));
    }

    /** {@code errors} with one for a member id below 1, as the server reads a body's {@code member_id}. */
    private static Map<String, String> memberId(Map<String, String> errors, int index, MemberRef member) {
        Long id = member.memberId();
        return id == null || id >= 1 ? errors
                : error(errors, name(index, "member_id"), "must be between 1 and " + Long.MAX_VALUE + ", got " + id);
    }

    /** {@code errors} with one for a resource id the server refuses, by the server's one rule and words. */
    private static Map<String, String> resourceId(Map<String, String> errors, int index, String field, String id) {
        String problem = resourceIdProblem(id);
        return problem == null ? errors : error(errors, name(index, field), problem);
    }

    /** Why the server refuses {@code id} as a resource id (1 to 200 characters), or null. */
    private static String resourceIdProblem(String id) {
        int characters = characters(id);
        return characters >= 1 && characters <= MAX_RESOURCE_ID ? null
                : "a resource id has 1 to " + MAX_RESOURCE_ID + " characters, got " + characters;
    }

    private static Map<String, String> error(Map<String, String> errors, String field, String reason) {
        Map<String, String> out = errors == null ? new LinkedHashMap<>() : errors;
        out.putIfAbsent(field, reason);
        return out;
    }

    private static String name(int index, String field) {
        return index < 0 ? field : "checks[" + index + "]." + field;
    }

    private static void thrown(Map<String, String> errors) {
        if (errors != null) {
            throw invalidInput(errors);
        }
    }

    /** The server's 400 for field errors: every one named, the detail joining them. */
    private static GatehouseException invalidInput(Map<String, String> errors) {
        StringBuilder detail = new StringBuilder();
        errors.forEach((field, reason) -> detail.append(detail.isEmpty() ? "" : "; ").append(field).append(": ")
                .append(reason));
        return ReplicaDecisions.problem(400, "invalid_input", detail.toString(), errors);
    }

    private static GatehouseException invalidText(String field, String problem) {
        return ReplicaDecisions.problem(400, "invalid_text", field + ": " + problem, Map.of(field, problem));
    }

    /**
     * Null when {@code s} is acceptable text, else what is wrong with it ("must not contain the control character
     * U+0001 (at position 3)"), ready to follow a field's name.
     *
     * @param lineBreaks whether tab, line feed and carriage return are allowed (in a body; not in a parameter)
     */
    static String problem(String s, boolean lineBreaks) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (U+" + hex(c) + " at position " + i + ")";
            } else if (isControl(c) && !(lineBreaks && (c == '\t' || c == '\n' || c == '\r'))) {
                return "must not contain the control character U+" + hex(c) + " (at position " + i + ")";
            }
        }
        return null;
    }

    /** The characters a user sees in {@code s}: code points, so an emoji counts once. */
    static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s} with every character {@link #problem} refuses replaced by {@code ?}, for messages. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(isControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return out.toString();
    }

    /**
     * {@code s} as the server's errors quote it: at most 64 characters, never a key's secret, and a character that
     * reorders the text around it written as its code (a right-to-left override as backslash, u, 202E).
     */
    static String abbreviate(String s) {
        String shown = s.indexOf('_') < 0 ? s : KEY_SECRET.matcher(s).replaceAll("$1[secret]");
        shown = characters(shown) <= 64 ? shown : shown.substring(0, shown.offsetByCodePoints(0, 61)) + "...";
        return BIDI_CONTROL.matcher(shown).replaceAll(m -> String.format("\\\\u%04X", (int) m.group().charAt(0)));
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }
}
