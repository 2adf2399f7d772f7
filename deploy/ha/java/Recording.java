import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one load run records: written by its threads while they run, read by {@link Report} once they have
 * stopped. Times are nanoseconds since the load started, {@link #t0}. Thread-safe (concurrent collections;
 * each node's readiness samples are published once, by their only writer, when it stops).
 */
final class Recording {

    /** An acknowledged write: started at {@code start}, answered at {@code at} (nanoseconds into the load). */
    record Ack(String node, String userId, long memberId, long revision, long start, long at) {
    }

    /** A write or check that was not answered as expected; {@code nanos} is how long it took. */
    record Failure(String node, String kind, long start, long nanos, String outcome) {
    }

    /** One answer of {@code /readyz} (status 0: none within its timeout). */
    record Sample(long at, int status, long revision, boolean database) {
    }


    final long t0 = System.nanoTime();
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicLong> answered = new ConcurrentHashMap<>();
    final Map<String, List<Sample>> samples = new ConcurrentHashMap<>();
    /** Per event label: when its command started and ended, in seconds into the load. */
    final Map<String, double[]> eventTimes = new ConcurrentHashMap<>();

    Recording(List<Api.Node> nodes) {
        for (Api.Node node : nodes) {
            answered.put(node.name(), new AtomicLong());
            samples.put(node.name(), List.of());
        }
    }

    /** Nanoseconds since the load started. */
    long now() {
        return System.nanoTime() - t0;
    }

    /** Seconds into the load of a {@link System#nanoTime()} reading. */
    double at(long nanoTime) {
        return (nanoTime - t0) / 1e9;
    }
}
