package dev.gatehouse.preview;

import java.time.Duration;

/**
 * How many previews one node computes at once, in its places ({@code limit/Places}): the what-ifs, O(organization) each, that
 * copy an organization's state under the lock the node applies committed writes under. Validated here; the messages
 * name the command-line option. Immutable.
 *
 * @param whatIfsAtOnce what-ifs computed at once on the node, 1 to {@value #MAX_AT_ONCE}; null for
 *                      {@link #atOnce() half the processors, at least 1}
 * @param waiting       previews that may wait for a place at once, 0 to {@value #MAX_WAITING}; more are refused
 *                      at once
 * @param longestWait   how long a preview waits for a place before it is refused, 0 to {@link #MAX_WAIT}
 */
public record PreviewSettings(Integer whatIfsAtOnce, int waiting, Duration longestWait) {

    /** The most what-ifs at once the option takes: past the request threads (250), the bound bounds nothing. */
    public static final int MAX_AT_ONCE = 10_000;
    /** The most previews that may wait at once. */
    public static final int MAX_WAITING = 1_000;
    /** The longest wait for a place: a request thread is held meanwhile. */
    public static final Duration MAX_WAIT = Duration.ofMinutes(1);

    /**
     * Half the processors at once; up to 16 more previews (of the node's 250 request threads) wait for a place, each
     * up to 5 s — longer than most what-ifs of a large organization take.
     */
    public static final PreviewSettings DEFAULTS = new PreviewSettings(null, 16, Duration.ofSeconds(5));

    public PreviewSettings {
        if (whatIfsAtOnce != null && (whatIfsAtOnce < 1 || whatIfsAtOnce > MAX_AT_ONCE)) {
            throw new IllegalArgumentException("--max-concurrent-previews must be 1.." + MAX_AT_ONCE + ", got "
                    + whatIfsAtOnce);
        }
        if (waiting < 0 || waiting > MAX_WAITING) {
            throw new IllegalArgumentException("previews waiting must be 0.." + MAX_WAITING + ", got " + waiting);
        }
        if (longestWait == null || longestWait.isNegative() || longestWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("the wait of a preview for a place must be 0.." + MAX_WAIT
                    + ", got " + longestWait);
        }
    }

    /** The what-ifs this node computes at once: {@code whatIfsAtOnce} when set, else half the processors, at least 1. */
    public int atOnce() {
        return whatIfsAtOnce != null ? whatIfsAtOnce : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** @param atOnce what-ifs at once, 1 to {@value #MAX_AT_ONCE}; null to choose by the processors */
    public PreviewSettings withWhatIfsAtOnce(Integer atOnce) {
        return new PreviewSettings(atOnce, waiting, longestWait);
    }

    /** With at most {@code previews} waiting for a place, each at most {@code longest}. */
    public PreviewSettings withWaiting(int previews, Duration longest) {
        return new PreviewSettings(whatIfsAtOnce, previews, longest);
    }
}
