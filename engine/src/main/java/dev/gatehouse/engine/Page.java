package dev.gatehouse.engine;

import java.util.List;

/** One page of a lookup; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }
}
