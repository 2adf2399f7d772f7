package dev.gatehouse.engine;

import java.util.List;
import java.util.Objects;

/**
 * The record-visibility settings of a role that does not see all records: a record is visible to a member
 * named in one of {@code userFieldIds}, and, when {@code allowUnassigned}, also when none of those fields
 * names anyone. A role without settings (null where a {@code Visibility} is expected) sees all records.
 */
public record Visibility(List<String> userFieldIds, boolean allowUnassigned) {
    public Visibility {
        userFieldIds = List.copyOf(Objects.requireNonNull(userFieldIds, "userFieldIds"));
    }
}
