package dev.gatehouse.event;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.changelog.EventQuery;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.store.Store;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * An organization's history, read from the change log. Who may read it: a service key, for any
 * organization (also one deleted since: history outlives it); a member key, for its own organization only,
 * when its member holds the permission the model names for managing roles ({@code management.roles}) —
 * the same people who can change what the history shows. Thread-safe.
 */
public final class EventService {

    private final Store store;
    private final OrgModels orgModels;
    private final Access access;

    public EventService(Store store, OrgModels orgModels, Access access) {
        this.store = store;
        this.orgModels = orgModels;
        this.access = access;
    }

    public List<ChangeRecord> list(Principal principal, EventQuery query) {
        return page(principal, query).records();
    }

    /** One page of events, which may end early at the query's byte budget ({@link ChangeLogStore.Batch#more}). */
    public ChangeLogStore.Batch page(Principal principal, EventQuery query) {
        return store.read(h -> {
            requireReader(h, principal, query.orgId());
            return query.page(h);
        });
    }

    public ChangeRecord get(Principal principal, long orgId, long revision) {
        return store.read(h -> {
            requireReader(h, principal, orgId);
            return EventQuery.find(h, orgId, revision).orElseThrow(() -> new NotFoundException("event_not_found",
                    "organization " + orgId + " has no event at revision " + revision
                            + " (it belongs to another organization, does not exist yet or was removed by retention)"));
        });
    }

    /** The rule of the class comment; see {@link Access} for how other organizations look (404). */
    public void requireReader(Handle h, Principal principal, long orgId) {
        if (principal instanceof Principal.Member) {
            access.requireOrg(principal, orgId);
            PermissionModel model = orgModels.model(h, orgId);
            access.requirePermission(principal, orgId, model.management().roles(), "reading the organization's events");
            return;
        }
        boolean exists = h.createQuery("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = :org)")
                .bind("org", orgId).mapTo(Boolean.class).one();
        if (!exists && !EventQuery.hasHistory(h, orgId)) {
            throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
        }
    }
}
