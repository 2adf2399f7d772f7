package dev.gatehouse.changelog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a change-log record is about. {@link #wire()} is the name stored in {@code change_log.object_type} and
 * shown by the events API and webhooks ({@code "api_key"} for {@link #API_KEY}); those names are API and never
 * change. Only {@link #ORGANIZATION}, {@link #ROLE}, {@link #MEMBER}, {@link #ASSIGNMENT}, {@link #RESOURCE},
 * {@link #MEMBER_GRANTS} and {@link #BULK_IMPORT} enter the decision engine; {@link #MODEL} feeds the model registry.
 *
 * <p>An open enumeration: the constants are every type this version writes, and {@link #of} returns them, so they
 * compare with {@code ==}. The change log is shared by every node, including nodes of a newer version during an
 * upgrade: a stored name this version does not know reads as a type of its own ({@link #known()} false, equal by
 * name) that no listener acts on and that the events API and webhooks show as stored. Immutable.
 */
public final class ObjectType {

    private static final Map<String, ObjectType> KNOWN = new LinkedHashMap<>();

    public static final ObjectType ORGANIZATION = known("organization");
    public static final ObjectType MODEL = known("model");
    public static final ObjectType ROLE = known("role");
    public static final ObjectType MEMBER = known("member");
    public static final ObjectType ASSIGNMENT = known("assignment");
    public static final ObjectType GROUP = known("group");
    public static final ObjectType API_KEY = known("api_key");
    public static final ObjectType WEBHOOK = known("webhook");
    /** Rooms: a room, a member's place in one, a member's Rooms profile. */
    public static final ObjectType ROOM = known("room");
    public static final ObjectType ROOM_USER = known("room_user");
    public static final ObjectType ROOMS_PROFILE = known("rooms_profile");
    /** Rooms: an office and a region of a {@code rooms} organization. */
    public static final ObjectType OFFICE = known("office");
    public static final ObjectType REGION = known("region");
    /** Close: a membership's settings and its pinned views. */
    public static final ObjectType CLOSE_MEMBERSHIP_SETTINGS = known("close_membership_settings");
    public static final ObjectType CLOSE_PINNED_VIEWS = known("close_pinned_views");
    /** A resource's place in the hierarchy (its parent). */
    public static final ObjectType RESOURCE = known("resource");
    /** A member's per-member grants (the set, replaced whole). */
    public static final ObjectType MEMBER_GRANTS = known("member_grants");
    /**
     * Many objects of one kind written by one run of a bulk import's chunk, in one record: a summary as its
     * {@code after}, the objects in {@link ChangeRecord#objects()} (the assignments an import gave).
     */
    public static final ObjectType BULK_IMPORT = known("bulk_import");

    private final String wire;

    private ObjectType(String wire) {
        this.wire = wire;
    }

    private static ObjectType known(String wire) {
        ObjectType type = new ObjectType(wire);
        KNOWN.put(wire, type);
        return type;
    }

    /** Every type this version knows, in a fixed order. */
    public static List<ObjectType> values() {
        return List.copyOf(KNOWN.values());
    }

    /** The type of a stored name: the constant when this version knows it, else a type of its own. */
    public static ObjectType of(String wire) {
        ObjectType type = KNOWN.get(Objects.requireNonNull(wire, "wire"));
        return type != null ? type : new ObjectType(wire);
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
        return other instanceof ObjectType type && type.wire.equals(wire);
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
