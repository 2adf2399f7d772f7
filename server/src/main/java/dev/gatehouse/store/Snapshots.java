package dev.gatehouse.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/** Helpers for change-log snapshots. */
final class Snapshots {

    /** Bookkeeping fields that change with every write and are not reported as changed. */
    private static final Set<String> BOOKKEEPING = Set.of("version", "updated_at");

    private Snapshots() {
    }

    /** Top-level fields whose values differ between the two snapshots (all fields when one is null). */
    public static List<String> changedFields(JsonNode before, JsonNode after) {
        Set<String> names = new TreeSet<>();
        if (before != null) {
            before.propertyNames().forEach(names::add);
        }
        if (after != null) {
            after.propertyNames().forEach(names::add);
        }
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            JsonNode a = before == null ? null : before.get(name);
            JsonNode b = after == null ? null : after.get(name);
            boolean same = a == null ? b == null : a.equals(b);
            if (!same && !BOOKKEEPING.contains(name)) {
                changed.add(name);
            }
        }
        return changed;
    }
}
