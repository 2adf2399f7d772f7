package dev.gatehouse.http.close;

/**
 * The Close dialect's request budget: at most {@code requests} per window of {@code seconds}, per member (all its
 * keys together) and endpoint group ({@code --close-rate-limit}). Written {@code <requests>} (per second) or
 * {@code <requests>/<seconds>}, e.g. {@code 600/60}. Immutable.
 */
public record RateLimit(int requests, int seconds) {

    /** Close's own default: 100 requests per second. */
    public static final RateLimit DEFAULT = new RateLimit(100, 1);

    public RateLimit {
        if (requests < 1 || requests > 1_000_000) {
            throw new IllegalArgumentException("requests must be 1..1000000, got " + requests);
        }
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("seconds must be 1..3600, got " + seconds);
        }
    }

    /** Parses {@code 100} or {@code 100/10}; the message names {@code option} and the bad value. */
    public static RateLimit parse(String option, String text) {
        String value = text == null ? "" : text.strip();
        String[] parts = value.split("/", -1);
        try {
            if (parts.length == 1 || parts.length == 2) {
                int requests = Integer.parseInt(parts[0].strip());
                int seconds = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : 1;
                return new RateLimit(requests, seconds);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be <requests> or <requests>/<seconds> with "
                    + "requests 1..1000000 and seconds 1..3600, got \"" + value + "\"", e);
        }
        throw new IllegalArgumentException(option + " must be <requests> or <requests>/<seconds>, got \""
                + value + "\"");
    }

    @Override
    public String toString() {
        return requests + "/" + seconds;
    }
}
