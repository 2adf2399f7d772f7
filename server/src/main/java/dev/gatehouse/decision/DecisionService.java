package dev.gatehouse.decision;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.ModelRegistry;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Decisions, for every API that asks them (the native {@code /v1} decision routes today; a dialect, a client
 * library or a console tomorrow): the one place that decides who may ask about whom, turns a request's
 * {@link dev.gatehouse.member.MemberRef} into a member, waits for a consistency token and then asks the engine.
 * Every call into the engine made for a decision is made here or in {@link OrgDecisions}.
 *
 * <p>Who may ask: a service key about any member of any organization; a member key only inside its own
 * organization while its member is active ({@link Access#requireOrg}), about itself, and about other members —
 * including "which members may…" — only when its company role holds the model's member-management permission.
 * A member key addressing another organization gets the 404 a nonexistent one gets.
 *
 * <p>The check path stays as cheap as the engine: authorizing and resolving a member are a few map reads of
 * the engine's state, with no lock, no I/O and no database round trip (only a member lookup, which returns
 * member records, reads the database). Every question is counted and timed ({@link DecisionMetrics}). Thread-safe.
 */
public final class DecisionService {

    /** How long a request carrying {@code min_revision} waits for this node to apply it. */
    public static final long REVISION_WAIT_MILLIS = 2000;

    private static final int DIGEST_ATTEMPTS = 5;

    private final DecisionEngine engine;
    private final ChangeFeed feed;
    private final Access access;
    private final MemberService members;
    private final AssignmentService resources;
    private final ModelRegistry models;
    private final DecisionMetrics metrics;

    /** @param metrics where decisions are counted and timed */
    public DecisionService(DecisionEngine engine, ChangeFeed feed, Access access, MemberService members,
                           AssignmentService resources, ModelRegistry models, MeterRegistry metrics) {
        this.engine = engine;
        this.resources = resources;
        this.feed = feed;
        this.access = access;
        this.members = members;
        this.models = models;
        this.metrics = new DecisionMetrics(metrics);
    }

    /**
     * The decisions {@code principal} may ask in one organization; refused first (before the request's body
     * is read) when it may not address the organization at all.
     */
    public OrgDecisions in(Principal principal, long orgId) {
        access.requireOrg(principal, orgId);
        return new OrgDecisions(this, principal, orgId, false);
    }

    /**
     * The revision this node's engine has applied and a digest of its whole decision state (service key only):
     * two nodes reporting the same revision and digest answer every decision alike. The digest costs O(state).
     * It names a revision only when the applied revision did not move around the computation (retried a few
     * times otherwise); {@code revision} is null when it kept moving.
     */
    public EngineState engineState(Principal principal) {
        access.requireService(principal, "reading the engine state");
        long before;
        long after;
        String digest;
        int attempt = 0;
        do {
            before = feed.applied();
            digest = engine.digest();
            after = feed.applied();
        } while (before != after && ++attempt < DIGEST_ATTEMPTS);
        return new EngineState(before == after ? after : null, digest, engine.organizationCount());
    }

    /** See {@link #engineState}. */
    public record EngineState(Long revision, String digest, int organizations) {
    }

    DecisionEngine engine() {
        return engine;
    }

    MemberService members() {
        return members;
    }

    DecisionMetrics metrics() {
        return metrics;
    }

    /**
     * The read policy on the decision routes, for a member key asking about other members: a resource's participants
     * are seen only where the resource is. Whether the caller sees every resource of the model's {@code type} (one
     * read): true for a service key, and for a type the model lacks (the engine's 400 follows).
     */
    boolean seesAll(Principal principal, long orgId, String type) {
        if (!(principal instanceof Principal.Member)) {
            return true;
        }
        return access.read(principal, orgId, (h, caller) -> {
            PermissionModel model = models.require(engine.modelOf(orgId));
            ResourceType resourceType = model.resourceType(type).orElse(null);
            return resourceType == null || resources.seesAll(caller, model, resourceType);
        });
    }

    /**
     * A question about another member on a resource of a type the caller does not see in full: the caller must see
     * that resource, else the same 404 as for one that does not exist ({@link AssignmentService#requireVisible}).
     */
    void requireVisible(Principal principal, long orgId, String type, String resourceId) {
        access.read(principal, orgId, (h, caller) -> {
            resources.requireVisible(h, caller, orgId, type, resourceId);
            return null;
        });
    }

    /** The permission that lets a member key ask about other members of its organization. */
    String memberManagement(long orgId) {
        return models.require(engine.modelOf(orgId)).management().members();
    }

    /**
     * Returns once this node has applied {@code minRevision} (null: at once); waits at most
     * {@link #REVISION_WAIT_MILLIS}, then a retryable 503 {@code revision_not_reached}. For a request whose caller is
     * judged by the state at that revision, before {@link #in} admits it.
     */
    public void awaitRevision(Long minRevision) {
        if (minRevision != null) {
            feed.awaitRevision(minRevision, REVISION_WAIT_MILLIS);
        }
    }
}
