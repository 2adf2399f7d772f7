package dev.gatehouse.assignment;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.store.Joint;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Roles given on resources by many requests at once, each of its own organization: a write lane's {@link Joint} run
 * of {@link AssignmentService#put(dev.gatehouse.access.Principal, long, String, String, MemberRef, long, Instant)}.
 * Alone, a put sends four statements of its own (its savepoint, the resource, the member, the assignment with the
 * role) and its upsert; here the run sends one statement for each of those for all of its puts together.
 *
 * <p>Each put goes through every rule of the single put, in the single put's order, so it is refused with the
 * same error: admission of the caller, the role's end, the resource type, the management gate, the resource's
 * existence and visibility, the member (named as the resource's participants are shown:
 * {@link AssignmentService#participant}), then the model's assignment gate and the role's own rules (the lone put's
 * own {@link AssignmentService#judgeGiving}, on the role held as the caller sees it). The reads are made for all
 * puts still standing before each step that needs them, and nothing is written until every put is judged: then the
 * rows of those that changed something, in one statement, and a change record each. (A put that meets a role that
 * has ended by its time ends it first, as the lone put does: {@link #judgeAfterEnding}.) Stateless, thread-safe.
 */
final class JointPuts implements Joint<Access.Call<JointPuts.Put>, Assignment> {

    /** What one put asks: {@code member}'s role {@code roleId} on a resource, until {@code expiresAt} (null: no end). */
    record Put(String type, String resourceId, MemberRef member, long roleId, Instant expiresAt) {
    }

    /** The savepoint of a put that ends a role first ({@link #judgeAfterEnding}). */
    private static final String ENDING = "joint_put_ending";

    private final AssignmentService service;
    private final AssignmentStore assignments;
    private final MemberService members;
    private final AssignmentRules rules;

    JointPuts(AssignmentService service, AssignmentStore assignments, MemberService members, AssignmentRules rules) {
        this.service = service;
        this.assignments = assignments;
        this.members = members;
        this.rules = rules;
    }

    /** One put in progress: what the steps so far found. */
    private static final class Step {
        final Entry<Access.Call<Put>, Assignment> entry;
        final Put put;
        final long orgId;
        final String what;
        Caller caller;
        PermissionModel model;
        ResourceType type;
        Member member;
        AssignmentStore.Current current;
        /** {@link #current} as the caller sees it: without a role it may not see ({@link AssignmentService#seen}). */
        AssignmentStore.Current seen;
        Assignment after;

        Step(Entry<Access.Call<Put>, Assignment> entry) {
            this.entry = entry;
            this.put = entry.op().op();
            this.orgId = entry.op().orgId();
            this.what = AssignmentService.assigning(put.type(), put.resourceId());
        }

        Tx tx() {
            return entry.tx();
        }
    }

    @Override
    public void runAll(List<Entry<Access.Call<Put>, Assignment>> entries) {
        Handle h = entries.get(0).tx().handle();
        List<Step> steps = new ArrayList<>(entries.size());
        for (Entry<Access.Call<Put>, Assignment> entry : entries) {
            Step s = new Step(entry);
            if (judged(s, () -> {
                s.caller = s.entry.op().caller(s.tx());
                AssignmentService.requireFuture(s.tx(), AssignmentService.stored(s.put.expiresAt()));
                s.model = service.model(s.tx(), s.orgId);
                s.type = AssignmentService.resourceType(s.model, s.put.type(), s.put.resourceId());
                rules.requireMayManage(s.caller, s.model, s.what);
            })) {
                steps.add(s);
            }
        }

        List<GatehouseException> missing = new ArrayList<>(rules.missing(h, steps.stream().map(s ->
                new AssignmentRules.Addressed(s.orgId, s.model, s.type, s.put.resourceId())).toList()));
        steps = standing(steps, (s, i) -> {
            if (missing.get(i) != null) {
                throw missing.get(i);
            }
            if (!rules.sees(h, s.caller, s.model, s.type, s.put.resourceId())) {
                throw rules.notFound(s.model, s.type, s.put.resourceId());
            }
        });

        List<Member> named = steps.isEmpty() ? List.of() : members.named(h,
                steps.stream().map(s -> s.orgId).toList(), steps.stream().map(s -> s.put.member()).toList());
        steps = standing(steps, (s, i) -> s.member = service.participant(h, s.caller, s.model, s.type,
                s.put.resourceId(), s.put.member(), named));

        List<AssignmentStore.Current> currents = steps.isEmpty() ? List.of() : assignments.findAllWithRole(h,
                steps.stream().map(s -> new AssignmentStore.Wanted(s.orgId, s.put.type(), s.put.resourceId(),
                        s.member.id(), s.put.roleId())).toList());
        steps = standing(steps, (s, i) -> {
            if (AssignmentService.ended(s.tx(), currents.get(i).assignment())) {
                judgeAfterEnding(s, currents.get(i));
            } else {
                judge(s, currents.get(i));
            }
        });

        List<Assignment> changed = steps.stream().filter(JointPuts::writes).map(s -> s.after).toList();
        if (!changed.isEmpty()) {
            assignments.upsertAll(h, changed);
        }
        for (Step s : steps) {
            if (writes(s)) {
                AssignmentService.record(s.tx(), s.current.assignment(), s.after);
                if (s.current.assignment() == null) {
                    rules.given(s.tx(), s.caller, s.model, s.after);
                }
            }
            s.entry.succeed(s.after);
        }
    }

    /** Judges one put, its member's assignment there read: {@code current}. */
    private void judge(Step s, AssignmentStore.Current current) {
        Handle h = s.tx().handle();
        s.current = current;
        s.seen = service.seen(h, s.caller, s.model, s.type, s.put.resourceId(), s.member, s.current);
        s.after = service.judgeGiving(s.tx(), s.caller, s.model, s.orgId, s.type, s.put.resourceId(), s.member,
                s.put.roleId(), s.put.expiresAt(), s.seen, s.what);
    }

    /**
     * {@link #judge} for a put whose member holds a role there that has ended by the put's time: as the lone put does,
     * its expiry is carried out first ({@link AssignmentService#unlessEnded}) and the put judged by what remains —
     * inside a savepoint of its own, rolled back if the put is refused, since a refused put changes nothing (the
     * expiry job's run then ends the role).
     */
    private void judgeAfterEnding(Step s, AssignmentStore.Current found) {
        Handle h = s.tx().handle();
        h.savepoint(ENDING);
        try {
            judge(s, service.unlessEnded(s.tx(), s.model, found));
        } catch (GatehouseException refused) {
            h.rollbackToSavepoint(ENDING);
            throw refused;
        }
        h.releaseSavepoint(ENDING);
    }

    /**
     * Whether a judged put writes: it changes something, on a role the caller sees (one it may not see is left as it
     * is, the put answered as one where the member held none would be, as the lone put does).
     */
    private static boolean writes(Step s) {
        return s.seen == s.current && s.after != s.current.assignment();
    }

    /** A step of the rules for one put, which may refuse it. */
    private interface Rule {
        void apply(Step step, int index);
    }

    /** Applies {@code rule} to each step (with its index); refuses those it refuses; returns the others, in order. */
    private static List<Step> standing(List<Step> steps, Rule rule) {
        List<Step> left = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int index = i;
            if (judged(s, () -> rule.apply(s, index))) {
                left.add(s);
            }
        }
        return left;
    }

    /** Runs {@code rule}; false, the put refused, when it refuses (anything but a refusal is the run's failure). */
    private static boolean judged(Step s, Runnable rule) {
        try {
            rule.run();
            return true;
        } catch (GatehouseException refused) {
            s.entry.fail(refused);
            return false;
        }
    }
}
