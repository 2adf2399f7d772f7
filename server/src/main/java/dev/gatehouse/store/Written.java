package dev.gatehouse.store;

/** The result of a committed write and the revision it committed at (its consistency token). */
public record Written<T>(T value, long revision) {
}
