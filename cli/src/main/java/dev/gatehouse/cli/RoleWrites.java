package dev.gatehouse.cli;

import dev.gatehouse.client.Bulk.ImportOptions;
import dev.gatehouse.client.OrgClient;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.node.ObjectNode;

/**
 * Changes to a custom role, for every command that makes them ({@code roles update}, {@code apply}), including the
 * one the role API's client cannot send: taking a role's visibility away, as the model's rule requires once the role
 * holds the "sees all" permission. The API's {@code PATCH} clears it only for a body naming {@code "visibility":
 * null}, and the client's {@link RoleInput} leaves every null field out; so that change goes as a one-line bulk
 * import of the role ({@code "visibility": null}), which the server judges by the same rules as the {@code PATCH} —
 * the caller's permissions, no escalation, the model's rule — and which records nothing when nothing differs.
 * Stateless.
 */
final class RoleWrites {

    private RoleWrites() {
    }

    /**
     * Applies {@code changes} (null components: unchanged) to {@code current}; with {@code clearVisibility} the role
     * also loses its visibility.
     *
     * @param expectedVersion the version the role must still be at, or null
     */
    static Role update(OrgClient org, Role current, RoleInput changes, boolean clearVisibility, Long expectedVersion) {
        if (!clearVisibility) {
            return expectedVersion == null ? org.roles().update(current.id(), changes)
                    : org.roles().update(current.id(), changes, expectedVersion);
        }
        if (expectedVersion != null) {
            // an import line carries no version: refuse rather than change a role that may have moved on
            throw new CliException("role \"" + current.name() + "\" loses its visibility with this change, which "
                    + "cannot be made conditional: leave out --if-version");
        }
        // an import names the role by its name (ignoring case): the current one, so that a new name renames it
        ObjectNode line = Output.JSON.createObjectNode().put("type", "role").put("name",
                changes.name() != null && changes.name().equalsIgnoreCase(current.name()) ? changes.name()
                        : current.name());
        if (changes.description() != null) {
            line.put("description", changes.description());
        }
        line.set("permissions", Output.JSON.valueToTree(changes.permissions() != null ? changes.permissions()
                : current.permissions()));
        line.putNull("visibility");
        byte[] body = (Output.LINES.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        org.bulk().importFrom(new ByteArrayInputStream(body), ImportOptions.defaults());
        if (changes.name() != null && !changes.name().equalsIgnoreCase(current.name())) {
            return org.roles().update(current.id(), new RoleInput(changes.name(), null, null, null, null));
        }
        return org.roles().get(current.id());
    }
}
