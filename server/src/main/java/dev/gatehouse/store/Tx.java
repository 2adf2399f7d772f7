package dev.gatehouse.store;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.PendingChange;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;

/**
 * One write transaction in progress: its JDBI handle, the acting principal, and the changes it will append
 * to the change log at commit. Not thread-safe; lives for one {@link Store#write} call.
 */
public final class Tx {

    private final Handle handle;
    private final Actor actor;
    private final List<PendingChange> changes = new ArrayList<>();

    Tx(Handle handle, Actor actor) {
        this.handle = handle;
        this.actor = actor;
    }

    public Handle handle() {
        return handle;
    }

    public Actor actor() {
        return actor;
    }

    /** Records a change; {@code changedFields} is derived from the two snapshots. */
    public void change(Long orgId, String objectType, Object objectId, String action, JsonNode before,
                       JsonNode after) {
        changes.add(new PendingChange(orgId, objectType, String.valueOf(objectId), action,
                Snapshots.changedFields(before, after), before, after));
    }

    List<PendingChange> changes() {
        return changes;
    }
}
