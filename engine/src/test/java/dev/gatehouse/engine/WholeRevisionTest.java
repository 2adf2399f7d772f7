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
    void aChangeThatFails_isNotRecorded_andLeavesReadersFree() {
        writer.apply(1, change(1));
        List<EngineOp> failing = new ArrayList<>(change(2));
        failing.add(failing.size() / 2, new EngineOp.PutAssignment(2, "room", "r0", ALICE, EDITOR));
        assertThatThrownBy(() -> writer.apply(2, failing)).isInstanceOf(EngineException.UnknownOrganization.class);

        AtRevision<Boolean> read = engine.atOneRevision(e -> e.check(ORG, ALICE, "doc.read", "room", "r0"));
        assertThat(read.revision()).as("the failed revision is not recorded").isEqualTo(1);
        assertThat(read.answer()).as("the operations before the failing one stay applied").isFalse();
        assertThat(engine.hasMember(ORG, BOB)).isTrue();
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
