package dev.gatehouse.office;

import java.util.List;

/** One page of offices or regions, and how many the whole list (with its filters) has. */
public record OfficePage<T>(List<T> items, int total) {
    public OfficePage {
        items = List.copyOf(items);
    }
}
