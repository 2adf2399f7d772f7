package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Readers concurrent with a writer applying revisions of many operations: every answer comes from the state of one
 * whole revision, and the revision it names is that one. Odd revisions give alice and bob a role on every one of
 * {@link #ROOMS} rooms (bob is created first); even revisions take alice's away and remove bob (with his). So at
 * any revision alice holds all the rooms or none, bob exists exactly when she does, and an odd revision is the
 * one with the rooms.
 */
class WholeRevisionTest {

    static final long ORG = 1;
    static final long EDITOR = 10;
    static final long ALICE = 100;
    static final long BOB = 200;
    static final int ROOMS = 500;
    static final int REVISIONS = 200;
    static final String LAST = "r" + (ROOMS - 1);

    EngineWriter writer;
    DecisionEngine engine;

    @BeforeEach
    void build() {
        EngineBuilder builder = DecisionEngine.builder(DecisionEngineTest.DOCS).organization(ORG, "docs")
                .role(ORG, EDITOR, "Editor", List.of("doc.read")).member(ORG, ALICE, "alice", EDITOR);
        writer = builder.writer();
        engine = builder.build();
    }

    /** Revision {@code revision}'s operations: the rooms given (odd) or taken with bob (even). */
    static List<EngineOp> change(long revision) {
        List<EngineOp> ops = new ArrayList<>();
        if (revision % 2 == 1) {
            ops.add(new EngineOp.PutMember(ORG, BOB, "bob", EDITOR, false, true));
            for (long member : new long[] {ALICE, BOB}) {
                for (int room = 0; room < ROOMS; room++) {
                    ops.add(new EngineOp.PutAssignment(ORG, "room", "r" + room, member, EDITOR));
                }
            }
        } else {
            for (int room = 0; room < ROOMS; room++) {
                ops.add(new EngineOp.RemoveAssignment(ORG, "room", "r" + room, ALICE));
            }
            ops.add(new EngineOp.RemoveMember(ORG, BOB));
        }
        return ops;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readers_neverSeeARevisionHalfApplied() throws InterruptedException {
        Queue<String> torn = whileRevisionsApply(2, () -> {
            List<String> seen = new ArrayList<>();
            int found = engine.lookupResources(ORG, ALICE, "doc.read", "room", null, ROOMS + 1).items().size();
            if (found != 0 && found != ROOMS) {
                seen.add("alice's rooms: " + found + " of " + ROOMS);
            }
            List<Long> members = engine.lookupMembers(ORG, "doc.read", "room", "r0", null, 10).items();
            if (!members.isEmpty() && !members.equals(List.of(ALICE, BOB))) {
                seen.add("members on r0: " + members);
            }
            Decision decision = engine.explain(ORG, ALICE, "doc.read", "room", LAST);
            if (decision.allowed() != (decision.revision() % 2 == 1)) {
                seen.add("on " + LAST + " allowed " + decision.allowed() + " at revision " + decision.revision());
            }
            return seen;
        });
        assertThat(torn).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void atOneRevision_answersSeveralQuestionsAtTheRevisionItNames() throws InterruptedException {
        Queue<String> torn = whileRevisionsApply(2, () -> {
            AtRevision<List<Object>> read = engine.atOneRevision(e -> List.of(
                    e.check(ORG, ALICE, "doc.read", "room", "r0"),
                    e.check(ORG, ALICE, "doc.read", "room", LAST),
                    e.hasMember(ORG, BOB),
                    e.lookupResources(ORG, ALICE, "doc.read", "room", null, ROOMS + 1).items().size()));
            boolean held = read.revision() % 2 == 1;
            List<Object> expected = List.of(held, held, held, held ? ROOMS : 0);
            return read.answer().equals(expected) ? List.of()
                    : List.of(read.answer() + " at revision " + read.revision() + ", expected " + expected);
        });
        assertThat(torn).isEmpty();
    }

    @Test
    void aChangeThatFails_isRefusedWhole_andReadersKeepThePreviousRevision() {
        writer.apply(1, change(1));
        List<EngineOp> failing = new ArrayList<>(change(2));
        failing.add(failing.size() / 2, new EngineOp.PutAssignment(2, "room", "r0", ALICE, EDITOR));
        assertThatThrownBy(() -> writer.apply(2, failing)).isInstanceOf(EngineException.UnknownOrganization.class);

        assertHeld(1);
        // the change applies once whole
        writer.apply(2, change(2));
        assertThat(engine.revision()).isEqualTo(2);
        assertThat(engine.hasMember(ORG, BOB)).isFalse();
    }

    @Test
    void aChangeIsJudgedByWhatItsEarlierOperationsDo() {
        writer.apply(1, change(1));
        long other = 2;
        // an organization added by the change takes the operations after it; one removed by it does not
        assertThat(writer.apply(2, List.of(new EngineOp.PutOrganization(other, "docs"),
                new EngineOp.PutRole(other, EDITOR, "Editor", List.of("doc.read"), false, null),
                new EngineOp.PutMember(other, ALICE, "alice", EDITOR, false, true)))).isTrue();
        List<List<EngineOp>> refused = List.of(
                List.of(new EngineOp.RemoveAssignment(ORG, "room", "r0", ALICE), new EngineOp.RemoveOrganization(other),
                        new EngineOp.PutMember(other, BOB, "bob", EDITOR, false, true)),
                List.of(new EngineOp.RemoveMember(ORG, BOB), new EngineOp.PutOrganization(3, "no such catalog")),
                List.of(new EngineOp.RemoveMember(ORG, BOB), new EngineOp.PutAssignment(ORG, "drive", "d", ALICE, 1)),
                List.of(new EngineOp.RemoveMember(ORG, BOB), new EngineOp.PutResource(ORG, "room", "r1", "r0")),
                List.of(new EngineOp.RemoveMember(ORG, BOB),
                        new EngineOp.PutMember(ORG, 300, "carol", MemberTable.MAX_ROLE_ID + 1, false, true)));
        for (List<EngineOp> ops : refused) {
            assertThatThrownBy(() -> writer.apply(3, ops)).as("%s", ops).isInstanceOf(RuntimeException.class);
            assertThat(engine.revision()).isEqualTo(2);
            assertHeld(2);
            assertThat(engine.hasMember(other, ALICE)).isTrue();
        }
    }

    /** The state of {@code change(1)}, at {@code revision}: alice and bob hold every room. */
    private void assertHeld(long revision) {
        AtRevision<List<Object>> read = engine.atOneRevision(e -> List.of(e.hasMember(ORG, BOB),
                e.check(ORG, ALICE, "doc.read", "room", "r0"),
                e.lookupResources(ORG, ALICE, "doc.read", "room", null, ROOMS + 1).items().size()));
        assertThat(read.revision()).as("the failed revision is not recorded").isEqualTo(revision);
        assertThat(read.answer()).as("nothing of the failed change is applied").isEqualTo(List.of(true, true, ROOMS));
    }

    /** One reader's round of questions: what it saw that belongs to no revision (empty when nothing). */
    interface Round {
        List<String> torn();
    }

    /**
     * Applies {@link #REVISIONS} revisions while {@code readers} threads ask {@code round} over and over; returns what
     * they saw torn (at most a few of each), or threw. The readers must have asked while revisions applied.
     */
    private Queue<String> whileRevisionsApply(int readers, Round round) throws InterruptedException {
        Queue<String> torn = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong rounds = new AtomicLong();
        Consumer<String> note = seen -> {
            if (torn.size() < 20) {
                torn.add(seen);
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            threads.add(new Thread(() -> {
                while (writing.get()) {
                    try {
                        round.torn().forEach(note);
                    } catch (RuntimeException e) {
                        note.accept("threw " + e);
                    }
                    rounds.incrementAndGet();
                }
            }, "reader-" + r));
        }
        threads.forEach(Thread::start);
        long roundsBefore = -1;
        for (long revision = 1; revision <= REVISIONS; revision++) {
            writer.apply(revision, change(revision));
            if (revision == 1) {
                roundsBefore = rounds.get();
            }
        }
        long roundsDuring = rounds.get() - roundsBefore;
        writing.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(roundsDuring).as("rounds of questions asked while revisions applied").isPositive();
        return torn;
    }
}
