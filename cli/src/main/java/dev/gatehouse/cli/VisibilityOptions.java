package dev.gatehouse.cli;

import dev.gatehouse.client.Roles.Unassigned;
import dev.gatehouse.client.Roles.Visibility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --visible-through FIELD} and {@code --unassigned allow|require}: a role's record visibility (docs/api.md,
 * "Roles"), which a model with a visibility rule (close) requires of every role without its "sees all" permission.
 * A picocli mixin of {@code roles create} and {@code roles update}; not thread-safe.
 */
final class VisibilityOptions {

    @Option(names = "--visible-through", paramLabel = "FIELD",
            description = "a user field through which the role's holders see records (repeat, or commas): for a "
                    + "role without the model's \"sees all\" permission (close: view_all_leads)")
    List<String> fields = new ArrayList<>();

    @Option(names = "--unassigned", paramLabel = "allow|require",
            description = "whether records naming nobody in those fields are visible (allow) or hidden (require)")
    String unassigned;

    /** Whether either option was given. */
    boolean given() {
        return !fields.isEmpty() || unassigned != null;
    }

    /** The visibility of a new role, or null when neither option was given. */
    Visibility forNew() {
        return given() ? changed(null) : null;
    }

    /**
     * {@code current} (null: none) with what the options change, or null when neither was given: the fields and the
     * behaviour are each kept when their option is left out.
     */
    Visibility changed(Visibility current) {
        if (!given()) {
            return null;
        }
        List<String> named = fields.stream().flatMap(f -> Arrays.stream(f.split(","))).map(String::strip)
                .filter(f -> !f.isEmpty()).toList();
        if (current == null && (named.isEmpty() || unassigned == null)) {
            throw new CliException("a role's visibility needs both --visible-through FIELD and --unassigned "
                    + "allow|require");
        }
        Unassigned behaviour = unassigned != null ? VisibilityRule.unassigned(unassigned, "--unassigned")
                : current.unassigned();
        return new Visibility(named.isEmpty() ? current.userFieldIds() : named, behaviour);
    }
}
