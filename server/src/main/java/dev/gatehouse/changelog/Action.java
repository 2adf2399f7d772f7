package dev.gatehouse.changelog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a change did to its object. {@link #wire()} is the name stored in {@code change_log.action} and shown by
 * the events API and webhooks; those names are API and never change. Members are {@link #ACTIVATED} and
 * {@link #DEACTIVATED} where their status changes, webhook subscriptions {@link #PAUSED} and {@link #RESUMED},
 * time-bound assignments {@link #EXPIRED} when their end has come, a bulk import's summarizing records
 * {@link #IMPORTED}; every other change is created, updated or
 * deleted.
 *
 * <p>An open enumeration, for the reason {@link ObjectType} gives: the constants are every action this version
 * writes and compare with {@code ==}; a stored name only a newer version knows reads as an action of its own,
 * equal by name. Immutable.
 */
public final class Action {

    private static final Map<String, Action> KNOWN = new LinkedHashMap<>();

    public static final Action CREATED = known("created");
    public static final Action UPDATED = known("updated");
    public static final Action DELETED = known("deleted");
    public static final Action ACTIVATED = known("activated");
    public static final Action DEACTIVATED = known("deactivated");
    public static final Action PAUSED = known("paused");
    public static final Action RESUMED = known("resumed");
    /** A time-bound assignment whose end has come, removed by the system. */
    public static final Action EXPIRED = known("expired");
    /** Objects written by a bulk import, recorded together ({@link ObjectType#BULK_IMPORT}). */
    public static final Action IMPORTED = known("imported");

    private final String wire;

    private Action(String wire) {
        this.wire = wire;
    }

    private static Action known(String wire) {
        Action action = new Action(wire);
        KNOWN.put(wire, action);
        return action;
    }

    /** Every action this version knows, in a fixed order. */
    public static List<Action> values() {
        return List.copyOf(KNOWN.values());
    }

    /** The action of a stored name: the constant when this version knows it, else an action of its own. */
    public static Action of(String wire) {
        Action action = KNOWN.get(Objects.requireNonNull(wire, "wire"));
        return action != null ? action : new Action(wire);
    }

    /** The stored and published name. */
    public String wire() {
        return wire;
    }

    /** False for a name written by a newer version than this one. */
    public boolean known() {
        return KNOWN.get(wire) == this;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Action action && action.wire.equals(wire);
    }

    @Override
    public int hashCode() {
        return wire.hashCode();
    }

    @Override
    public String toString() {
        return wire;
    }
}
