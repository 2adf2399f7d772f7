package dev.gatehouse.client;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decisions in one organization: checks, batches, explanations, lookups, effective permissions, record visibility,
 * and previews of a change (docs/api.md, "Decisions"). Every call is answered by a node's in-memory engine at least
 * as new as this client's session revision ({@link GatehouseClient#revision()}): the client sends it as
 * {@code min_revision} with each (in the body, or as a query parameter of the two {@code GET}s, effective permissions
 * and the visibility filter). A session revision the deployment's change log never reached (another history behind
 * the same URL, a foreign token) is lowered to the log's end and the call sent again, once (docs/client.md).
 * Thread-safe.
 */
public interface Decisions {

    /** May the member do the permission (on the resource, when the check names one)? */
    CheckResult check(Check check);

    /** {@link #check} with its explanation: the deciding role and its path. */
    CheckResult explain(Check check);

    /** Up to 1,000 checks answered in order, at one revision; a failing item carries an error instead. */
    BatchResult checkAll(List<Check> checks);

    /**
     * Every resource of {@code type} on which the member's own assignment grants the permission, fetched to the end,
     * and whether its company role also covers every resource of the type where it holds no assignment.
     */
    ResourceLookup lookupResources(MemberRef member, String permission, String type);

    /** The active members who may do the permission organization-wide, paging by themselves. */
    Stream<Members.Member> lookupMembers(String permission);

    /** The active members who may do the permission on the resource, paging by themselves. */
    Stream<Members.Member> lookupMembers(String permission, ResourceRef resource);

    /** The member's effective permissions organization-wide. */
    EffectivePermissions permissions(MemberRef member);

    /** The member's effective permissions on one resource. */
    EffectivePermissions permissions(MemberRef member, ResourceRef resource);

    /** Whether a record whose user-reference fields hold these user ids is visible to the member. */
    VisibilityCheck visible(MemberRef member, Map<String, List<String>> recordFields);

    /** The member's visibility rule itself, to apply in the product's own query. */
    VisibilityFilter visibilityFilter(MemberRef member);

    /**
     * Who would gain and who would lose which permissions if a change were made, without making it
     * ({@code POST /v1/orgs/{org}/preview}; the body names one {@code role}, {@code member} or {@code assignment}
     * change as docs/api.md, "Previews", shows). Answers the preview document.
     */
    JsonNode preview(JsonNode change);

    /**
     * One question: may {@code member} do {@code permission}, organization-wide or on {@code resource}?
     *
     * @param resource the resource, or null for organization-wide
     * @param explain  whether the answer should carry an {@link Explanation}
     */
    record Check(MemberRef member, String permission, ResourceRef resource, boolean explain) {

        public Check {
            Arguments.required(member, "member");
            Arguments.required(permission, "permission");
        }

        /** The organization-wide check. */
        public static Check of(MemberRef member, String permission) {
            return new Check(member, permission, null, false);
        }

        /** This check on one resource ({@link #of} is the organization-wide check: a null resource is refused). */
        public Check on(ResourceRef resource) {
            return new Check(member, permission, Arguments.required(resource, "resource"), explain);
        }

        /** This check on one resource of {@code type} and {@code id}. */
        public Check on(String type, String id) {
            return on(ResourceRef.of(type, id));
        }

        /** This check, explained. */
        public Check explained() {
            return new Check(member, permission, resource, true);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            member.putInto(n);
            n.put("permission", permission);
            if (resource != null) {
                n.set("resource", resource.json());
            }
            if (explain) {
                n.put("explain", true);
            }
            return n;
        }
    }

    /**
     * A decision.
     *
     * @param revision    the revision of the state that decided
     * @param explanation why, when asked for; otherwise null
     */
    record CheckResult(boolean allowed, long revision, Explanation explanation) {

        static CheckResult from(JsonNode n) {
            JsonNode e = Wire.node(n, "explanation");
            return new CheckResult(Wire.flag(n, "allowed"), Wire.number(n, "revision"),
                    e == null ? null : Explanation.from(e));
        }
    }

    /**
     * Why a check was decided so.
     *
     * @param path     which role decided
     * @param roleId   the deciding role, or null when none did
     * @param reason   the server's explanation for people
     * @param memberId the member the check was about
     * @param ancestor the ancestor resource whose assignment decided ({@link DecisionPath#PARENT_RESOURCE_ROLE}),
     *                 else null
     */
    record Explanation(DecisionPath path, Long roleId, String reason, long memberId, ResourceRef ancestor) {

        static Explanation from(JsonNode n) {
            String path = Wire.text(n, "path");
            return new Explanation(DecisionPath.from(path),
                    Wire.longOrNull(n, "role_id"), Wire.text(n, "reason"), Wire.number(n, "member_id"),
                    ResourceRef.from(Wire.node(n, "ancestor")));
        }
    }

    /**
     * Which role decided: the company role, a role on the resource, a role on the nearest ancestor holding one, the
     * company role with the member's own grants, or none; {@link #UNKNOWN} for a path a newer server names that this
     * client does not know (the decision itself, {@code allowed}, stands).
     */
    enum DecisionPath {
        COMPANY_ROLE, RESOURCE_ROLE, PARENT_RESOURCE_ROLE, MEMBER_GRANT, NONE, UNKNOWN;

        static DecisionPath from(String wire) {
            return Wire.constant(values(), wire, UNKNOWN);
        }
    }

    /** The answers of a batch, in the order of its checks, all at {@code revision}. */
    record BatchResult(List<BatchItem> items, long revision) {

        public BatchResult {
            items = List.copyOf(items);
        }
    }

    /**
     * One answer of a batch: a result, or the error that check met (the rest of the batch is answered).
     *
     * @param result the decision, or null when {@code error} is set
     * @param error  the failure, or null
     */
    record BatchItem(CheckResult result, BatchError error) {

        /** Whether this check was allowed (false when it failed). */
        public boolean allowed() {
            return result != null && result.allowed();
        }

        static BatchItem from(JsonNode n) {
            JsonNode error = Wire.node(n, "error");
            return error == null ? new BatchItem(CheckResult.from(n), null)
                    : new BatchItem(null, new BatchError((int) Wire.number(error, "status"), Wire.text(error, "code"),
                    Wire.text(error, "detail")));
        }
    }

    /** Why one check of a batch failed: its HTTP status, stable code and detail. */
    record BatchError(int status, String code, String detail) {
    }

    /**
     * The resources a member's assignments open to a permission.
     *
     * @param resourceIds   every resource id of the type where the member's own assignment grants it
     * @param allUnassigned whether its company role also covers every resource of the type it holds no role on
     * @param revision      the revision of the first page's answer
     */
    record ResourceLookup(List<String> resourceIds, boolean allUnassigned, long revision) {

        public ResourceLookup {
            resourceIds = List.copyOf(resourceIds);
        }
    }

    /**
     * A member's effective permissions.
     *
     * @param resource the resource they hold on, or null for organization-wide
     */
    record EffectivePermissions(long memberId, ResourceRef resource, List<String> permissions, long revision) {

        public EffectivePermissions {
            permissions = List.copyOf(permissions);
        }

        static EffectivePermissions from(JsonNode n) {
            return new EffectivePermissions(Wire.number(n, "member_id"), ResourceRef.from(Wire.node(n, "resource")),
                    Wire.strings(n, "permissions"), Wire.number(n, "revision"));
        }
    }

    /**
     * Whether one record is visible, and the member's rule that said so.
     *
     * @param filter the rule, or null when the answer carried none
     */
    record VisibilityCheck(boolean visible, VisibilityFilter filter, long revision) {

        static VisibilityCheck from(JsonNode n) {
            JsonNode filter = Wire.node(n, "filter");
            return new VisibilityCheck(Wire.flag(n, "visible"), filter == null ? null : VisibilityFilter.from(filter, 0),
                    Wire.number(n, "revision"));
        }
    }

    /**
     * A member's record-visibility rule: a record is visible when {@code seesAll}, or one of {@code userFieldIds}
     * holds {@code userId}, or none of them holds anyone and {@code unassignedVisible}.
     *
     * @param roleId   the company role the rule comes from, or null
     * @param revision the revision of the answer (0 inside a {@link VisibilityCheck})
     */
    record VisibilityFilter(boolean seesAll, boolean seesNone, String userId, List<String> userFieldIds,
                            boolean unassignedVisible, Long roleId, long revision) {

        public VisibilityFilter {
            userFieldIds = List.copyOf(userFieldIds);
        }

        static VisibilityFilter from(JsonNode n, long revision) {
            return new VisibilityFilter(Wire.flag(n, "sees_all"), Wire.flag(n, "sees_none"), Wire.text(n, "user_id"),
                    Wire.strings(n, "user_field_ids"), Wire.flag(n, "unassigned_visible"),
                    Wire.longOrNull(n, "role_id"), revision);
        }
    }
}
