package dev.gatehouse.cli;

import dev.gatehouse.client.Members.Status;
import java.util.Locale;

/**
 * A member status as a user writes it ({@code --status}, an apply file's {@code status:}): active, invited or
 * deactivated, in any case. {@link Status#UNKNOWN} is what the client reads a status it does not know as, never one
 * to send, so it is refused like any other word. Stateless.
 */
final class StatusText {

    private StatusText() {
    }

    /** @throws IllegalArgumentException naming the text when it is no status a user may give */
    static Status parse(String text) {
        try {
            Status status = Status.valueOf(text.toUpperCase(Locale.ROOT));
            if (status != Status.UNKNOWN) {
                return status;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("status must be active, invited or deactivated, got \"" + text + "\"");
    }
}
