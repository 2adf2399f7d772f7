package dev.gatehouse.client;

import dev.gatehouse.engine.AtRevision;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineException;
import dev.gatehouse.engine.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link Decisions} in one organization answered by a replica's engine, with the server's semantics
 * ({@code decision/OrgDecisions}): the member named by id or user id, asked of the engine; the engine's refusals
 * turned into the same statuses, codes and field errors as the server's ({@code enginefeed/EngineEdge}): unknown
 * organizations and members 404, unknown permissions and resource types and permissions that do not apply there 400,
 * an unknown resource type naming the field that carried it on that route ({@code resource.type} in a check's body, a
 * resource lookup's {@code type}, the permissions' {@code resource_type} parameter). What the server refuses before
 * it asks its engine — text with a control character, a member id below 1, a user id or resource id too long — is
 * refused here with the server's answer too ({@link RequestRules}), at the same point: before the organization is
 * looked up, which the server does only once it has read the request, when it resolves the member asked about
 * ({@link #member}, the one place this class looks it up: a batch's checks then fail each alone; a member lookup,
 * naming none, is refused by the engine). Every answer carries the revision it was made at. Thread-safe, as the
 * engine.
 */
final class ReplicaDecisions implements Decisions {

    private static final int PAGE = 1000;
    /** Where a question's body names its resource's type ({@code resource: {type, id}}), as the engine's 400 says. */
    private static final String BODY_TYPE = "resource.type";

    private final ReplicaState state;
    private final DecisionEngine engine;
    private final long orgId;

    ReplicaDecisions(ReplicaState state, long orgId) {
        this.state = state;
        this.engine = state.engine();
        this.orgId = orgId;
    }

    @Override
    public CheckResult check(Check check) {
        Arguments.required(check, "check");
        RequestRules.check(check);
        return answer(check);
    }

    @Override
    public CheckResult explain(Check check) {
        Arguments.required(check, "check");
        return check(new Check(check.member(), check.permission(), check.resource(), true));
    }

    private CheckResult answer(Check check) {
        try {
            long memberId = member(check.member());
            String type = check.resource() == null ? null : check.resource().type();
            String id = check.resource() == null ? null : check.resource().id();
            if (check.explain()) {
                Decision d = engine.explain(orgId, memberId, check.permission(), type, id);
                ResourceRef ancestor = d.ancestor() == null ? null : ResourceRef.of(d.ancestor().type(),
                        d.ancestor().id());
                return new CheckResult(d.allowed(), d.revision(), new Explanation(DecisionPath.from(
                        d.path().name()), d.roleId(), d.reason(), memberId, ancestor));
            }
            // a check sees one whole revision; the revision unmoved around it is that one
            long revision;
            boolean allowed;
            do {
                revision = engine.revision();
                allowed = engine.check(orgId, memberId, check.permission(), type, id);
            } while (engine.revision() != revision);
            return new CheckResult(allowed, revision, null);
        } catch (EngineException e) {
            throw translate(e, BODY_TYPE);
        }
    }

    @Override
    public BatchResult checkAll(List<Check> checks) {
        Arguments.elements(checks, "checks");
        RequestRules.batch(checks);
        // every check from one revision, which the batch names
        AtRevision<List<BatchItem>> at = engine.atOneRevision(e -> {
            List<BatchItem> items = new ArrayList<>(checks.size());
            for (Check check : checks) {
                try {
                    items.add(new BatchItem(answer(check), null));
                } catch (GatehouseException refused) {
                    items.add(new BatchItem(null, new BatchError(refused.status(), refused.code(),
                            refused.detail())));
                }
            }
            return items;
        });
        return new BatchResult(at.answer(), at.revision());
    }

    @Override
    public ResourceLookup lookupResources(MemberRef member, String permission, String type) {
        try {
            RequestRules.lookupResources(member, permission, type);
            long memberId = member(member);
            return engine.atOneRevision(e -> {
                List<String> ids = new ArrayList<>();
                String cursor = null;
                do {
                    Page<String> page = e.lookupResources(orgId, memberId, permission, type, cursor, PAGE);
                    ids.addAll(page.items());
                    cursor = page.nextCursor();
                } while (cursor != null);
                return new ResourceLookup(ids, e.inheritsOnUnassigned(orgId, memberId, permission, type),
                        e.revision());
            }).answer();
        } catch (EngineException e) {
            throw translate(e, "type");
        }
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission) {
        return members(permission, null, null);
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission, ResourceRef resource) {
        Arguments.required(resource, "resource");
        return members(permission, resource.type(), resource.id());
    }

    private Stream<Members.Member> members(String permission, String type, String id) {
        try {
            RequestRules.lookupMembers(permission, type == null ? null : ResourceRef.of(type, id));
            // the ids from one revision; the members' records are the replica's, read apart from the engine
            List<Long> ids = engine.atOneRevision(e -> {
                List<Long> all = new ArrayList<>();
                Long cursor = null;
                do {
                    Page<Long> page = e.lookupMembers(orgId, permission, type, id, cursor, PAGE);
                    all.addAll(page.items());
                    cursor = page.nextCursor() == null ? null : Long.valueOf(page.nextCursor());
                } while (cursor != null);
                return all;
            }).answer();
            return ids.stream().map(state::member).filter(Objects::nonNull);
        } catch (EngineException e) {
            throw translate(e, BODY_TYPE);
        }
    }

    @Override
    public EffectivePermissions permissions(MemberRef member) {
        return permissions(member, null);
    }

    @Override
    public EffectivePermissions permissions(MemberRef member, ResourceRef resource) {
        RequestRules.parameters(member, resource);
        try {
            RequestRules.memberAndResource(member, resource);
            long memberId = member(member);
            AtRevision<List<String>> granted = engine.atOneRevision(e -> e.permissions(orgId, memberId,
                    resource == null ? null : resource.type(), resource == null ? null : resource.id()));
            return new EffectivePermissions(memberId, resource, granted.answer(), granted.revision());
        } catch (EngineException e) {
            throw translate(e, "resource_type");
        }
    }

    @Override
    public VisibilityCheck visible(MemberRef member, Map<String, List<String>> recordFields) {
        Arguments.required(member, "member");
        Arguments.entries(recordFields, "recordFields").forEach((field, users) ->
                Arguments.elements(users, "recordFields[" + field + "]"));
        try {
            RequestRules.visible(member, recordFields);
            long memberId = member(member);
            AtRevision<dev.gatehouse.engine.VisibilityFilter> filter = engine.atOneRevision(e ->
                    e.visibilityFilter(orgId, memberId));
            return new VisibilityCheck(filter.answer().admits(recordFields), filter(filter.answer(), 0),
                    filter.revision());
        } catch (EngineException e) {
            throw translate(e, BODY_TYPE);
        }
    }

    @Override
    public VisibilityFilter visibilityFilter(MemberRef member) {
        RequestRules.parameters(member, null);
        try {
            RequestRules.memberAndResource(member, null);
            long memberId = member(member);
            AtRevision<dev.gatehouse.engine.VisibilityFilter> filter = engine.atOneRevision(e ->
                    e.visibilityFilter(orgId, memberId));
            return filter(filter.answer(), filter.revision());
        } catch (EngineException e) {
            throw translate(e, BODY_TYPE);
        }
    }

    @Override
    public JsonNode preview(JsonNode change) {
        throw new UnsupportedOperationException("a preview rehearses a write on the server: ask a GatehouseClient");
    }

    private static VisibilityFilter filter(dev.gatehouse.engine.VisibilityFilter f, long revision) {
        return new VisibilityFilter(f.seesAll(), f.seesNone(), f.userId(), f.userFieldIds(), f.unassignedVisible(),
                f.roleId(), revision);
    }

    /** The member a reference names in this organization; 404 in the server's words ({@code member/MemberRef}). */
    private long member(MemberRef ref) {
        requireOrganization();
        if (ref.memberId() != null) {
            if (engine.hasMember(orgId, ref.memberId())) {
                return ref.memberId();
            }
            throw problem(404, "member_not_found", "no member with id " + ref.memberId() + " in organization " + orgId,
                    Map.of());
        }
        Long found = engine.findMemberId(orgId, ref.userId());
        if (found == null) {
            throw problem(404, "member_not_found", "no member with user_id \"" + RequestRules.abbreviate(ref.userId())
                    + "\" in organization " + orgId, Map.of());
        }
        return found;
    }

    private void requireOrganization() {
        try {
            engine.modelOf(orgId);
        } catch (EngineException e) {
            throw translate(e, BODY_TYPE);
        }
    }

    /**
     * The server's answer to the engine's refusal ({@code enginefeed/EngineEdge}), an unknown resource type's naming
     * {@code typeField}, where the question carried the type ({@code http/v1/V1.typeIn}).
     */
    static GatehouseException translate(EngineException e, String typeField) {
        if (e instanceof EngineException.UnknownOrganization) {
            return problem(404, "organization_not_found", e.getMessage(), Map.of());
        }
        if (e instanceof EngineException.UnknownMember) {
            return problem(404, "member_not_found", e.getMessage(), Map.of());
        }
        if (e instanceof EngineException.UnknownPermission) {
            return problem(400, "unknown_permission", e.getMessage(), Map.of("permission", "unknown permission"));
        }
        if (e instanceof EngineException.UnknownResourceType) {
            return problem(400, "unknown_resource_type", e.getMessage(),
                    Map.of(typeField, "unknown resource type"));
        }
        if (e instanceof EngineException.PermissionNotApplicable n) {
            return problem(400, "permission_not_applicable", e.getMessage(),
                    Map.of("permission", "does not apply to " + n.resourceType()));
        }
        return problem(400, e.getClass().getSimpleName().toLowerCase(Locale.ROOT), e.getMessage(), Map.of());
    }

    static GatehouseException problem(int status, String code, String detail, Map<String, String> fields) {
        ObjectNode document = Wire.MAPPER.createObjectNode().put("status", status).put("code", code)
                .put("detail", detail);
        return new Problem(status, code, detail, fields, document, null).exception();
    }
}
