package dev.gatehouse.role;

import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * New custom roles of one organization, checked one by one with every rule of {@link RoleService#create} and
 * inserted together: each name compared, as the database folds names ({@link dev.gatehouse.sql.Folds}), with the
 * organization's roles — given by the caller, who keeps them current ({@link RoleService#batch}) — and with those of
 * the batch; then one {@code COPY} and one {@code created} change record per role, in order. A refusal names the
 * role refused, as creating it alone would; a name given twice (as the database folds names) is refused at the
 * second, about the first. Not thread-safe; lives inside one transaction.
 */
public final class RoleBatch {

    private final RoleService service;
    private final RoleStore store;
    private final Tx tx;
    private final Caller caller;
    private final PermissionModel model;
    private final long orgId;
    /** The organization's roles as they stand in this transaction, by folded name; folded on first need. */
    private final Collection<Role> existing;
    private Map<String, Role> byFoldedName;
    /** Folded names of the roles kept; the roles inserted by their folded names. */
    private final Set<String> pending = new HashSet<>();
    private final Map<String, Role> inserted = new HashMap<>();
    private final List<RoleStore.New> kept = new ArrayList<>();
    /** Inserted since the last {@link #flush} returned. */
    private final List<Role> added = new ArrayList<>();

    RoleBatch(RoleService service, RoleStore store, Tx tx, Caller caller, PermissionModel model, long orgId,
              Collection<Role> existing) {
        this.service = service;
        this.store = store;
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
        this.existing = List.copyOf(existing);
    }

    /** Has the database fold these names, and the organization's, in one query at most. */
    public void prepare(List<String> given) {
        if (byFoldedName == null) {
            List<String> all = new ArrayList<>(given);
            existing.forEach(r -> all.add(r.name()));
            tx.folds().prefetch(tx.handle(), all);
            byFoldedName = new HashMap<>();
            existing.forEach(r -> byFoldedName.put(fold(r.name()), r));
        } else {
            tx.folds().prefetch(tx.handle(), given);
        }
    }

    /** Checks one new role with every rule of {@link RoleService#create} and keeps it; a refused role is not kept. */
    public void add(RoleInput input) {
        service.requireValidNew(caller, model, input);
        prepare(List.of(input.name()));
        String folded = fold(input.name());
        Role holder = byFoldedName.getOrDefault(folded, inserted.get(folded));
        if (holder == null && pending.contains(folded)) {
            insertKept();
            holder = inserted.get(folded);
        }
        if (holder != null) {
            throw RoleService.nameTaken(orgId, holder);
        }
        tx.limits().beforeAddingRole(orgId, kept.size());
        pending.add(folded);
        kept.add(RoleStore.New.of(orgId, model, input));
    }

    /** Inserts the roles kept, and returns every role this batch inserted, in order. */
    public List<Role> flush() {
        insertKept();
        List<Role> all = List.copyOf(added);
        added.clear();
        return all;
    }

    private void insertKept() {
        if (kept.isEmpty()) {
            return;
        }
        List<Long> ids = tx.newIds().take(tx.handle(), "roles", kept.size());
        for (Role role : store.insertAll(tx.handle(), ids, kept, tx.now())) {
            tx.change(orgId, ObjectType.ROLE, role.id(), Action.CREATED, null, LoggedRole.of(role));
            inserted.put(fold(role.name()), role);
            added.add(role);
        }
        kept.clear();
        pending.clear();
    }

    private String fold(String name) {
        return tx.folds().of(tx.handle(), name);
    }
}
