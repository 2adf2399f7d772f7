package dev.gatehouse.changelog;

import java.util.Locale;

/**
 * What a change-log record is about. {@link #wire()} is the name stored in {@code change_log.object_type} and
 * shown by the events API and webhooks ({@code "api_key"} for {@link #API_KEY}); those names are API and never
 * change. Only {@link #ORGANIZATION}, {@link #ROLE}, {@link #MEMBER} and {@link #ASSIGNMENT} enter the decision
 * engine; {@link #MODEL} feeds the model registry.
 */
public enum ObjectType {
    ORGANIZATION,
    MODEL,
    ROLE,
    MEMBER,
    ASSIGNMENT,
    GROUP,
    API_KEY,
    WEBHOOK,
    /** Rooms: a room, a member's place in one, a member's Rooms profile. */
    ROOM,
    ROOM_USER,
    ROOMS_PROFILE,
    /** Close: a membership's settings and its pinned views. */
    CLOSE_MEMBERSHIP_SETTINGS,
    CLOSE_PINNED_VIEWS;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The stored and published name. */
    public String wire() {
        return wire;
    }

    /** The type of a stored name; an unknown name is an {@link IllegalArgumentException} naming it. */
    public static ObjectType of(String wire) {
        for (ObjectType type : values()) {
            if (type.wire.equals(wire)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown change-log object type \"" + wire + "\"");
    }

    @Override
    public String toString() {
        return wire;
    }
}
