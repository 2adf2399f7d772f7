package dev.gatehouse.decision;

import dev.gatehouse.access.Principal;
import dev.gatehouse.decision.DecisionMetrics.Api;
import dev.gatehouse.engine.AtRevision;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.Page;
import dev.gatehouse.engine.VisibilityFilter;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The decisions one caller may ask in one organization, obtained from {@link DecisionService#in}, which has
 * checked that the caller may address the organization. Each question names its member by
 * {@link MemberRef}, resolved against the engine (404 {@code member_not_found}, 409 {@code ambiguous_member}),
 * and a member key asking about another member needs the model's member-management permission (403
 * {@code permission_required}; a member key without it is answered about itself, named among the members it sees);
 * {@link #aboutOthers} checks that up front. Each answer carries the engine revision it was read at.
 *
 * <p>Unknown permissions and resource types are 400s, from the engine. Each question is counted by its API and
 * result, and timed ({@link DecisionMetrics}). Lives for one request, on its thread: it keeps what it read of the
 * caller's sight of resources.
 */
public final class OrgDecisions {

    /** One check: a member, a permission, optionally one resource ({@code resourceType} and {@code resourceId}). */
    public record CheckRequest(MemberRef member, String permission, String resourceType, String resourceId,
                               boolean explain) {
    }

    /** A check's answer; {@code explanation} only when asked for. */
    public record CheckResult(boolean allowed, long revision, long memberId, Decision explanation) {
    }

    /** One check of a batch: its result, or the failure that kept it from being answered. */
    public record BatchItem(CheckResult result, GatehouseException failure) {
    }

    /** A batch's answers, in the order asked, and the one revision they were all answered at. */
    public record BatchResult(List<BatchItem> items, long revision) {
    }

    /** Resources the member may act on, and whether it may also act on every resource it has no role on. */
    public record ResourceLookup(Page<String> page, boolean allUnassigned, long revision) {
    }

    /** Members who may act, as member records (ascending id), with the cursor after the last. */
    public record MemberLookup(List<Member> members, String nextCursor, long revision) {
    }

    /** Whether a record is visible to the member, and the member's whole visibility filter. */
    public record Visibility(boolean visible, VisibilityFilter filter, long revision) {
    }

    /** A member's visibility filter. */
    public record Filter(VisibilityFilter filter, long revision) {
    }

    /** A member's effective permissions, organization-wide or on one resource, in catalog order. */
    public record Permissions(long memberId, List<String> permissions, long revision) {
    }

    private final DecisionService service;
    private final DecisionEngine engine;
    private final DecisionMetrics metrics;
    private final Principal principal;
    private final long orgId;
    private final boolean othersAllowed;
    /**
     * Whether the caller sees every resource of a type, read once per request ({@link DecisionService#seesAll}); made
     * only for a member key asking about others, so a check on the hot path allocates nothing for it.
     */
    private Map<String, Boolean> seesAll;

    OrgDecisions(DecisionService service, Principal principal, long orgId, boolean othersAllowed) {
        this.service = service;
        this.engine = service.engine();
        this.metrics = service.metrics();
        this.principal = principal;
        this.orgId = orgId;
        this.othersAllowed = othersAllowed;
    }

    /** These decisions, once the caller may ask about every member (a service key, or a member manager). */
    public OrgDecisions aboutOthers() {
        if (othersAllowed) {
            return this;
        }
        requireMemberManager();
        return new OrgDecisions(service, principal, orgId, true);
    }

    /**
     * These decisions, once this node has applied {@code minRevision} (a write's {@code Gatehouse-Revision}; null
     * asks for none): waits at most {@link DecisionService#REVISION_WAIT_MILLIS}, then a retryable 503
     * {@code revision_not_reached}.
     */
    public OrgDecisions atRevision(Long minRevision) {
        service.awaitRevision(minRevision);
        return this;
    }

    public CheckResult check(CheckRequest request) {
        long started = System.nanoTime();
        CheckResult result;
        try {
            result = answer(request);
        } catch (GatehouseException e) {
            metrics.rejected(Api.CHECK, started);
            throw e;
        }
        metrics.checked(Api.CHECK, result.allowed(), started);
        return result;
    }

    private CheckResult answer(CheckRequest request) {
        long memberId = asked(request);
        if (request.explain()) {
            return decide(engine, request, memberId);
        }
        // a check sees one whole revision; the revision unmoved around it is that one (no allocation, unlike a
        // question of atOneRevision)
        long revision;
        boolean allowed;
        do {
            revision = engine.revision();
            allowed = engine.check(orgId, memberId, request.permission(), request.resourceType(),
                    request.resourceId());
        } while (engine.revision() != revision);
        return new CheckResult(allowed, revision, memberId, null);
    }

    /** The member a check asks about, once the caller may ask it there (else the refusal). */
    private long asked(CheckRequest request) {
        long memberId = askedMember(request.member());
        if (request.resourceType() != null) {
            requireSeenAbout(memberId, request.resourceType(), request.resourceId());
        }
        return memberId;
    }

    /** One check asked of {@code engine}, explained when asked to be; its revision is the engine's now. */
    private CheckResult decide(DecisionEngine engine, CheckRequest request, long memberId) {
        if (request.explain()) {
            Decision d = engine.explain(orgId, memberId, request.permission(), request.resourceType(),
                    request.resourceId());
            return new CheckResult(d.allowed(), d.revision(), memberId, d);
        }
        return new CheckResult(engine.check(orgId, memberId, request.permission(), request.resourceType(),
                request.resourceId()), engine.revision(), memberId, null);
    }

    /** Every check in order; one that fails (an unknown member, permission…) fails alone. */
    public BatchResult checkAll(List<CheckRequest> requests) {
        long started = System.nanoTime();
        // who each check is about, and whether the caller may ask it, is read first (from the database); the checks
        // are then answered together, from one revision, which the batch and each of them name
        List<Object> asked = new ArrayList<>(requests.size());
        for (CheckRequest request : requests) {
            try {
                asked.add(asked(request));
            } catch (GatehouseException e) {
                asked.add(e);
            }
        }
        AtRevision<List<BatchItem>> at = engine.atOneRevision(e -> {
            List<BatchItem> items = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                if (asked.get(i) instanceof GatehouseException refused) {
                    items.add(new BatchItem(null, refused));
                    continue;
                }
                try {
                    items.add(new BatchItem(decide(e, requests.get(i), (Long) asked.get(i)), null));
                } catch (GatehouseException refused) {
                    items.add(new BatchItem(null, refused));
                }
            }
            return items;
        });
        long allowed = at.answer().stream().filter(i -> i.result() != null && i.result().allowed()).count();
        long denied = at.answer().stream().filter(i -> i.result() != null && !i.result().allowed()).count();
        metrics.batch((int) allowed, (int) denied, requests.size() - (int) (allowed + denied), started);
        return new BatchResult(at.answer(), at.revision());
    }

    /** Resources of {@code type} the member may do {@code permission} on, by id after {@code after}. */
    public ResourceLookup lookupResources(MemberRef member, String permission, String type, String after, int limit) {
        return timed(Api.LOOKUP_RESOURCES, () -> {
            long memberId = askedMember(member);
            if (!isCaller(memberId) && !seesAll(type)) {
                // which resources another member may act on tells which of them it holds a role on
                throw new ForbiddenException("permission_required", "looking up another member's resources of "
                        + "type \"" + type + "\" needs to see every one of them, which member "
                        + ((Principal.Member) principal).memberId() + " does not");
            }
            AtRevision<ResourceLookup> at = engine.atOneRevision(e -> new ResourceLookup(
                    e.lookupResources(orgId, memberId, permission, type, after, limit),
                    e.inheritsOnUnassigned(orgId, memberId, permission, type), e.revision()));
            return at.answer();
        });
    }

    /**
     * Members who may do {@code permission} organization-wide ({@code resourceType} null) or on one resource,
     * by id after {@code after}; asks {@link #aboutOthers} first.
     */
    public MemberLookup lookupMembers(String permission, String resourceType, String resourceId, Long after,
                                      int limit) {
        return timed(Api.LOOKUP_MEMBERS, () -> {
            OrgDecisions allowed = aboutOthers();
            if (resourceType != null && resourceId != null && !seesAll(resourceType)) {
                service.requireVisible(principal, orgId, resourceType, resourceId);
            }
            AtRevision<Page<Long>> page = engine.atOneRevision(e -> e.lookupMembers(orgId, permission, resourceType,
                    resourceId, after, limit));
            List<Member> found = service.members().getAll(allowed.principal, orgId, page.answer().items());
            return new MemberLookup(found, page.answer().nextCursor(), page.revision());
        });
    }

    /** Whether a record whose user fields hold {@code fields} is visible to the member. */
    public Visibility visibility(MemberRef member, Map<String, List<String>> fields) {
        return timed(Api.VISIBILITY_CHECK, () -> {
            long memberId = askedMember(member);
            AtRevision<VisibilityFilter> filter = engine.atOneRevision(e -> e.visibilityFilter(orgId, memberId));
            return new Visibility(filter.answer().admits(fields), filter.answer(), filter.revision());
        });
    }

    public Filter visibilityFilter(MemberRef member) {
        return timed(Api.VISIBILITY_FILTER, () -> {
            long memberId = askedMember(member);
            AtRevision<VisibilityFilter> filter = engine.atOneRevision(e -> e.visibilityFilter(orgId, memberId));
            return new Filter(filter.answer(), filter.revision());
        });
    }

    /** Organization-wide with both {@code resourceType} and {@code resourceId} null, else on that resource. */
    public Permissions permissions(MemberRef member, String resourceType, String resourceId) {
        return timed(Api.PERMISSIONS, () -> {
            long memberId = askedMember(member);
            if ((resourceType == null) != (resourceId == null)) {
                throw new InvalidInputException("invalid_input", "give both resource_type and resource_id, or neither",
                        Map.of(resourceType == null ? "resource_type" : "resource_id", "is required with the other"));
            }
            if (resourceType != null) {
                requireSeenAbout(memberId, resourceType, resourceId);
            }
            AtRevision<List<String>> granted = engine.atOneRevision(e -> e.permissions(orgId, memberId, resourceType,
                    resourceId));
            return new Permissions(memberId, granted.answer(), granted.revision());
        });
    }

    /** Answers a question other than a check, counted as answered or rejected and timed under {@code api}. */
    private <T> T timed(Api api, Supplier<T> question) {
        long started = System.nanoTime();
        T answer;
        try {
            answer = question.get();
        } catch (GatehouseException e) {
            metrics.rejected(api, started);
            throw e;
        }
        metrics.answered(api, started);
        return answer;
    }

    /**
     * The member a request names (resolved from the engine by {@link MemberRef}), once the caller may ask. A member
     * key that may not ask about others is answered for a reference that names itself among the members it sees
     * ({@link #namesCaller}), and refused for any other before the reference is looked up further, so the answer is
     * the same whether another member exists or not: the decision routes tell such a caller (an external member sees
     * only itself) nothing of the directory.
     */
    private long askedMember(MemberRef ref) {
        if (!othersAllowed && principal instanceof Principal.Member m) {
            if (namesCaller(ref, m.memberId())) {
                return m.memberId();
            }
            requireMemberManager();
        }
        return resolve(ref);
    }

    /**
     * Whether {@code ref} names the calling member {@code self} among the members the caller sees (an internal member
     * sees every member, an external one only itself: {@link dev.gatehouse.member.MemberService}), by the rule of
     * {@link MemberRef}: one of its forms is the caller's id or user id, and a bare number whose other form is
     * another member's is ambiguous only to a caller that sees that member — then it is not taken for the caller, and
     * what it names is told only to a member manager. No member the caller cannot see is looked at: an external
     * member's answer is the same whether such a member exists or not. Only such a bare number reads the database
     * (whether the caller sees every member).
     */
    private boolean namesCaller(MemberRef ref, long self) {
        try {
            ref.resolve(orgId, id -> id == self ? Optional.of(id) : Optional.empty(), userId -> {
                Long holder = engine.findMemberId(orgId, userId);
                return holder != null && holder == self ? Optional.of(self) : Optional.empty();
            }, Long::longValue);
        } catch (NotFoundException other) {
            return false;
        }
        if (!(ref instanceof MemberRef.Bare)) {
            return true;
        }
        try {
            resolve(ref);
            return true;
        } catch (ConflictException alsoAnother) {
            return !service.members().seesEveryone(principal, orgId);
        }
    }

    /** A question about another member on one resource: the caller must see it (the read policy). */
    private void requireSeenAbout(long memberId, String resourceType, String resourceId) {
        if (!isCaller(memberId) && !seesAll(resourceType)) {
            service.requireVisible(principal, orgId, resourceType, resourceId);
        }
    }

    /** {@link DecisionService#seesAll}, asked once per type in this request (a batch asks it of every check). */
    private boolean seesAll(String type) {
        if (!(principal instanceof Principal.Member)) {
            return true;
        }
        if (seesAll == null) {
            seesAll = new HashMap<>();
        }
        return seesAll.computeIfAbsent(type, t -> service.seesAll(principal, orgId, t));
    }

    /** Whether the member asked about is the caller itself (a service key is no member). */
    private boolean isCaller(long memberId) {
        return principal instanceof Principal.Member m && m.memberId() == memberId;
    }

    private long resolve(MemberRef ref) {
        try {
            return ref.resolve(orgId, id -> engine.hasMember(orgId, id) ? Optional.of(id) : Optional.empty(),
                    userId -> Optional.ofNullable(engine.findMemberId(orgId, userId)), Long::longValue);
        } catch (NotFoundException missing) {
            engine.modelOf(orgId); // no member in an organization that does not exist: 404 organization_not_found
            throw missing;
        }
    }

    private void requireMemberManager() {
        if (principal instanceof Principal.Member m) {
            String manage = service.memberManagement(orgId);
            if (!engine.check(orgId, m.memberId(), manage)) {
                throw new ForbiddenException("permission_required", "asking about other members needs \"" + manage
                        + "\", which member " + m.memberId() + " does not have");
            }
        }
    }
}
