package dev.gatehouse.room;

import java.time.Instant;
import java.util.Set;

/**
 * A room search among the rooms a caller may view.
 *
 * @param statuses            room statuses to include ({@code active}, {@code pending}, {@code closed})
 * @param changedFrom         rooms whose field data last changed at or after this instant, or null; both bounds
 *                            compare the time as the dialect shows it, to the millisecond
 * @param changedTo           rooms whose field data last changed at or before this instant, or null
 * @param closedRangeGiven    whether a closing-date range was asked for: only rooms closed in it match, and
 *                            Gatehouse rooms are never closed
 */
public record RoomQuery(Set<String> statuses, Integer officeId, Instant changedFrom, Instant changedTo,
                        boolean closedRangeGiven, int start, int count) {
    public RoomQuery {
        statuses = Set.copyOf(statuses);
    }
}
