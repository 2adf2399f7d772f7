package dev.gatehouse.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An organization's roles ({@code /v1/orgs/{org}/roles}): the model's system roles and custom ones. Managing them
 * needs the model's role-management permission, and nobody grants more than it holds. Thread-safe.
 */
public interface Roles {

    /** Every role, system roles first, paging by itself. */
    Stream<Role> list();

    Role get(long roleId);

    Role create(RoleInput role);

    /** Changes the fields {@code changes} sets (null components are left as they are). */
    Role update(long roleId, RoleInput changes);

    /** {@link #update(long, RoleInput)} if the role is still at {@code expectedVersion}. */
    Role update(long roleId, RoleInput changes, long expectedVersion);

    /** Deletes a custom role nobody holds ({@link ConflictException} {@code role_in_use} otherwise). */
    void delete(long roleId);

    /** {@link #delete(long)} if the role is still at {@code expectedVersion}. */
    void delete(long roleId, long expectedVersion);

    /**
     * A role.
     *
     * @param key        the model's key of a system role, or null for a custom role
     * @param visibility which records its holders see, or null (sees all, or the model has no visibility rule)
     */
    record Role(long id, long orgId, String key, String name, String description, List<String> permissions,
                boolean system, boolean editable, boolean external, boolean defaultForAdmin, Visibility visibility,
                long version, Instant createdAt, Instant updatedAt) {

        public Role {
            permissions = List.copyOf(permissions);
        }

        static Role from(JsonNode n) {
            return new Role(Wire.number(n, "id"), Wire.number(n, "org_id"), Wire.text(n, "key"), Wire.text(n, "name"),
                    Wire.text(n, "description"), Wire.strings(n, "permissions"), Wire.flag(n, "system"),
                    Wire.flag(n, "editable"), Wire.flag(n, "external"), Wire.flag(n, "default_for_admin"),
                    Visibility.from(Wire.node(n, "visibility")), Wire.number(n, "version"),
                    Wire.instant(n, "created_at"), Wire.instant(n, "updated_at"));
        }
    }

    /**
     * Which records a role's holders see (models with a visibility rule): records whose {@code userFieldIds} hold
     * the member's user id, and with {@link Unassigned#ALLOW_UNASSIGNED} also records none of them holds anyone.
     */
    record Visibility(List<String> userFieldIds, Unassigned unassigned) {

        public Visibility {
            userFieldIds = Arguments.elements(userFieldIds, "userFieldIds");
            Arguments.required(unassigned, "unassigned");
        }

        static Visibility from(JsonNode n) {
            return n == null ? null : new Visibility(Wire.strings(n, "user_field_ids"),
                    Objects.requireNonNullElse(Unassigned.from(Wire.text(n, "unassigned")), Unassigned.UNKNOWN));
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            n.set("user_field_ids", Wire.array(userFieldIds));
            n.put("unassigned", Wire.wireName(unassigned, Unassigned.UNKNOWN, "unassigned"));
            return n;
        }
    }

    /**
     * Whether records that name nobody in the role's user fields are visible; {@link #UNKNOWN} for a rule a newer
     * server sent that this client does not know (never sent: a visibility carrying it is refused).
     */
    enum Unassigned {
        REQUIRE_ASSIGNMENT, ALLOW_UNASSIGNED, UNKNOWN;

        static Unassigned from(String wire) {
            return Wire.constant(values(), wire, UNKNOWN);
        }
    }

    /**
     * A role to create, or the changes to one: null components are not sent.
     *
     * @param external         whether it is an external role (models with external roles), or null
     * @param visibility       its visibility, or null to send none
     * @param clearsVisibility whether to send {@code "visibility": null}: the role's holders then see every record,
     *                         as a role must once its permissions include the model's "sees all" permission (an
     *                         update that only leaves {@code visibility} null keeps the role's visibility)
     */
    record RoleInput(String name, String description, List<String> permissions, Boolean external,
                     Visibility visibility, boolean clearsVisibility) {

        public RoleInput {
            permissions = permissions == null ? null : Arguments.elements(permissions, "permissions");
            if (clearsVisibility && visibility != null) {
                throw new IllegalArgumentException("a role input either sets a visibility or clears it, got "
                        + visibility + " and clearsVisibility");
            }
        }

        /** A role input that leaves the role's visibility as it is unless {@code visibility} sets one. */
        public RoleInput(String name, String description, List<String> permissions, Boolean external,
                         Visibility visibility) {
            this(name, description, permissions, external, visibility, false);
        }

        /** A role named {@code name} granting {@code permissions}. */
        public static RoleInput of(String name, List<String> permissions) {
            return new RoleInput(Arguments.required(name, "name"), null, permissions, null, null);
        }

        /** Changes to the permissions alone. */
        public static RoleInput permissions(List<String> permissions) {
            return new RoleInput(null, null, Arguments.required(permissions, "permissions"), null, null);
        }

        public RoleInput withDescription(String text) {
            return new RoleInput(name, text, permissions, external, visibility, clearsVisibility);
        }

        public RoleInput withExternal(boolean isExternal) {
            return new RoleInput(name, description, permissions, isExternal, visibility, clearsVisibility);
        }

        /**
         * This input setting the role's visibility to {@code rule} (null: leaving it out, which keeps a
         * {@link #withoutVisibility()}); refused when this input clears the visibility, whichever came first.
         */
        public RoleInput withVisibility(Visibility rule) {
            return new RoleInput(name, description, permissions, external, rule, clearsVisibility);
        }

        /**
         * This input taking the role's visibility away ({@code "visibility": null}): its holders see every record.
         * Needed with permissions that include the model's "sees all" permission, which a role with a visibility
         * may not hold (400 {@code invalid_role} naming {@code visibility}). Refused when this input sets a
         * visibility, whichever came first: a visibility is set or cleared, not both.
         */
        public RoleInput withoutVisibility() {
            return new RoleInput(name, description, permissions, external, visibility, true);
        }

        ObjectNode json() {
            ObjectNode n = Wire.object();
            Wire.putIfSet(n, "name", name);
            Wire.putIfSet(n, "description", description);
            Wire.putIfSet(n, "permissions", permissions);
            Wire.putIfSet(n, "external", external);
            if (visibility != null) {
                n.set("visibility", visibility.json());
            } else if (clearsVisibility) {
                n.putNull("visibility");
            }
            return n;
        }
    }
}
