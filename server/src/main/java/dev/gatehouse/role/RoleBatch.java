package dev.gatehouse.role;

import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.sql.NameKey;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * New custom roles of one organization, checked one by one with every rule of {@link RoleService#create} and
 * inserted together: each name compared ignoring case — as the database's {@code lower()} folds names
 * ({@link dev.gatehouse.sql.Folds}) and by its key ({@link NameKey}), as {@link RoleService#create} compares them —
 * with the organization's roles, given by the caller, who keeps them current ({@link RoleService#batch}), and with
 * those of the batch; then one {@code COPY} and one {@code created} change record per role, in order. A refusal names
 * the role refused, as creating it alone would; a name given twice (either way) is refused at the second, about the
 * first. Not thread-safe; lives inside one transaction.
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
    /** The organization's roles by their names' keys, the oldest of those sharing one. */
    private final Map<String, Role> byKey = new HashMap<>();
    /** Folded names and keys of the roles kept; the roles inserted by their folded names and by their keys. */
    private final Set<String> pending = new HashSet<>();
    private final Set<String> pendingKeys = new HashSet<>();
    private final Map<String, Role> inserted = new HashMap<>();
    private final Map<String, Role> insertedByKey = new HashMap<>();
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
        this.existing.stream().sorted(Comparator.comparingLong(Role::id))
                .forEach(r -> byKey.putIfAbsent(NameKey.of(r.name()), r));
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
        String key = NameKey.of(input.name());
        Role holder = holder(folded, key);
        if (holder == null && (pending.contains(folded) || pendingKeys.contains(key))) {
            insertKept();
            holder = holder(folded, key);
        }
        if (holder != null) {
            throw RoleService.nameTaken(orgId, holder);
        }
        tx.limits().beforeAddingRole(orgId, kept.size());
        pending.add(folded);
        pendingKeys.add(key);
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
            insertedByKey.put(NameKey.of(role.name()), role);
            added.add(role);
        }
        kept.clear();
        pending.clear();
        pendingKeys.clear();
    }

    /** The role, stored or inserted, whose name lowers to {@code folded}, else whose name's key is {@code key}. */
    private Role holder(String folded, String key) {
        Role holder = byFoldedName.getOrDefault(folded, inserted.get(folded));
        return holder != null ? holder : byKey.getOrDefault(key, insertedByKey.get(key));
    }

    private String fold(String name) {
        return tx.folds().of(tx.handle(), name);
    }
}
