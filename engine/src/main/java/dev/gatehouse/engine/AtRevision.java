package dev.gatehouse.engine;

/**
 * An answer of the engine and the revision of the state it came from ({@link DecisionEngine#atOneRevision}).
 *
 * @param answer   what the questions returned (null when they returned null)
 * @param revision the revision of the last change the state held when they were answered
 */
public record AtRevision<T>(T answer, long revision) {
}
