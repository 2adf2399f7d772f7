package dev.gatehouse.engine;

/**
 * An explained decision.
 *
 * @param allowed  the answer
 * @param path     how the deciding role was found
 * @param roleId   the deciding role, null when no role applied
 * @param reason   a sentence for people
 * @param revision the engine revision the decision was made at
 */
public record Decision(boolean allowed, Path path, Long roleId, String reason, long revision) {

    /** How a decision found its role. */
    public enum Path {
        COMPANY_ROLE, RESOURCE_ROLE, NONE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
