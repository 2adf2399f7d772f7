package dev.gatehouse.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The write lanes' turn, with real threads: who keeps it, who stands by and who goes on without it. The patience is
 * long against the holds so that a busy machine's scheduling does not decide the outcome.
 */
class TurnsTest {

    private static final long PATIENCE_MS = 600;
    private static final long HOLD_MS = 400;
    private static final long BATCH_MS = 100;

    private final Turns turns = new Turns(PATIENCE_MS, TimeUnit.MILLISECONDS);

    @Test
    void theLaneHandingTheTurnOn_takesItAgain_whileAnotherStandsBy_throughBatchesLongerTogetherThanThePatience()
            throws Exception {
        Turns.Turn turn = turns.await();
        CompletableFuture<Boolean> standingBy = waitAndHold(0);
        for (int batch = 0; batch < 8; batch++) { // 8 × 100 ms, longer than the patience, each batch short
            assertTrue(turn.held(), "batch " + batch + " ran without the turn");
            turn.begin();
            Thread.sleep(BATCH_MS);
            turn.handOn();
            turn = turns.await();
        }
        assertFalse(standingBy.isDone(), "the lane standing by took a batch while each was short");
        turn.handOn();

        assertTrue(standingBy.get(5, TimeUnit.SECONDS), "the lane standing by took the freed turn");
    }

    @Test
    void aLaneHoldingTheTurnWhileItWaitsForRequests_isNotPassed() throws Exception {
        Turns.Turn idle = turns.await(); // never begins a batch
        CompletableFuture<Boolean> next = waitAndHold(0);
        Thread.sleep(PATIENCE_MS + HOLD_MS);
        assertFalse(next.isDone(), "a lane went on while the turn's holder had no batch");
        idle.handOn();

        assertTrue(next.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aLaneWhoseBatchTakesLongerThanThePatience_isPassed_byTheNextLane() throws Exception {
        Turns.Turn slow = turns.await();
        slow.begin();
        long start = System.nanoTime();
        Turns.Turn next = turns.await();
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertFalse(next.held());
        assertTrue(waitedMs >= PATIENCE_MS - 50, "went on after " + waitedMs + " ms");
        slow.handOn();
        assertTrue(turns.await().held(), "the turn, handed on, is free again");
    }

    @Test
    void closing_releasesTheLanesWaitingForTheTurn() throws Exception {
        Turns.Turn idle = turns.await();
        CompletableFuture<Boolean> waiting = waitAndHold(0);
        Thread.sleep(100);
        turns.close();

        assertFalse(waiting.get(5, TimeUnit.SECONDS));
        idle.handOn();
    }

    /**
     * A lane that waits for the turn, begins a batch and holds it {@code holdMs} before handing it on; whether it held
     * the turn.
     */
    private CompletableFuture<Boolean> waitAndHold(long holdMs) {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        Thread lane = new Thread(() -> {
            try {
                Turns.Turn turn = turns.await();
                turn.begin();
                boolean held = turn.held();
                Thread.sleep(holdMs);
                turn.handOn();
                taken.complete(held);
            } catch (Throwable t) {
                taken.completeExceptionally(t);
            }
        }, "lane");
        lane.setDaemon(true);
        lane.start();
        return taken;
    }
}
