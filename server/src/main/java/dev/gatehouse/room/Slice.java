package dev.gatehouse.room;

import java.util.List;

/** One page of an offset-paged list and the number of items the whole list has. */
public record Slice<T>(List<T> items, int total) {
    public Slice {
        items = List.copyOf(items);
    }
}
