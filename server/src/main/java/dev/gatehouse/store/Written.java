package dev.gatehouse.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The result of a committed write and the revision it committed at (its consistency token). */
public record Written<T>(T value, long revision) {

    /**
     * Waits for a write answered on another thread (a write lane, an import's writer) and returns its result, or
     * throws its failure as the write threw it.
     */
    public static <T> Written<T> join(CompletableFuture<Written<T>> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
