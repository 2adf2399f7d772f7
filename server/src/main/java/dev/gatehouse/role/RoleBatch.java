package dev.gatehouse.role;

import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * New custom roles of one organization, checked one by one with every rule of {@link RoleService#create} and
 * inserted together: their names read in one query ({@link #prepare}: how the database folds each, and the role
 * already named so), then one {@code INSERT … SELECT FROM unnest(…)} and one {@code created} change record per
 * role, in order. A refusal names the role refused, as creating it alone would; a name given twice (as the database
 * folds names) is refused at the second, about the first. Not thread-safe; lives inside one transaction.
 */
public final class RoleBatch {

    private final RoleService service;
    private final RoleStore store;
    private final Tx tx;
    private final Caller caller;
    private final PermissionModel model;
    private final long orgId;
    /** By name as given: how the database folds it, and the role already named so. */
    private final Map<String, Map.Entry<String, Optional<Role>>> names = new HashMap<>();
    /** Folded names of the roles kept; the roles inserted by their folded names. */
    private final Set<String> pending = new HashSet<>();
    private final Map<String, Role> inserted = new HashMap<>();
    private final List<RoleStore.New> kept = new ArrayList<>();
    /** Inserted since the last {@link #flush} returned. */
    private final List<Role> added = new ArrayList<>();

    RoleBatch(RoleService service, RoleStore store, Tx tx, Caller caller, PermissionModel model, long orgId) {
        this.service = service;
        this.store = store;
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
    }

    /** Reads how the database folds these names and which are taken, in one query. */
    public void prepare(List<String> given) {
        List<String> unknown = given.stream().filter(n -> !names.containsKey(n)).distinct().toList();
        if (!unknown.isEmpty()) {
            names.putAll(store.foldAndFind(tx.handle(), orgId, unknown));
        }
    }

    /** Checks one new role with every rule of {@link RoleService#create} and keeps it; a refused role is not kept. */
    public void add(RoleInput input) {
        service.requireValidNew(caller, model, input);
        prepare(List.of(input.name()));
        Map.Entry<String, Optional<Role>> name = names.get(input.name());
        String folded = name.getKey();
        Role holder = name.getValue().orElse(inserted.get(folded));
        if (holder == null && pending.contains(folded)) {
            insertKept();
            holder = inserted.get(folded);
        }
        if (holder != null) {
            throw RoleService.nameTaken(orgId, holder);
        }
        tx.limits().beforeAddingRole(orgId, kept.size());
        pending.add(folded);
        kept.add(RoleStore.New.of(model, input));
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
        for (Role role : store.insertAll(tx.handle(), orgId, kept, tx.now())) {
            tx.change(orgId, ObjectType.ROLE, role.id(), Action.CREATED, null, LoggedRole.of(role));
            inserted.put(names.get(role.name()).getKey(), role);
            added.add(role);
        }
        kept.clear();
        pending.clear();
    }
}
