package dev.gatehouse.member;

import dev.gatehouse.access.Caller;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Many members added in one transaction (a bulk import's run of new members), with every rule of
 * {@link MemberService#insert} applied to each one, in order, exactly as if each were added alone — but with the
 * reads shared and one insert for all: {@link #prepare} reads the members holding the run's user ids and emails in
 * two queries (emails compared as the database folds their case, which a third asks it for unless the transaction
 * knows already: {@link dev.gatehouse.sql.Folds}), the organization's
 * roles are read once, {@link #add} checks one member against those and against the members added before it, and
 * {@link #flush} inserts the kept ones in one statement and records one {@code created} change per member, as
 * {@link MemberService#insert} does. A member may also be added deactivated, as an export holds one: it is created
 * so, in that one change, and is never active (nor holds keys).
 *
 * <p>An {@link #add} refused because an earlier member of the batch already holds its user id or email first
 * flushes the batch, so that the refusal names that member as a lone insert would; the caller rolls the transaction
 * back on a refusal. Not thread-safe; lives for one transaction.
 */
public final class MemberBatch {

    private final MemberService service;
    private final MemberStore store;
    private final RoleStore roles;
    private final Tx tx;
    private final Caller caller;
    private final PermissionModel model;
    private final long orgId;
    /** The organization's roles by id, read on first need. */
    private Map<Long, Role> rolesById;
    /**
     * Members as they stand in this transaction, by user id and by email folded as the database folds it
     * ({@link #key}), for the keys looked up.
     */
    private final Map<String, Member> byUserId = new HashMap<>();
    private final Map<String, Member> byEmail = new HashMap<>();
    private final Set<String> lookedUpUserIds = new HashSet<>();
    private final Set<String> lookedUpEmails = new HashSet<>();
    /** Added and not inserted yet, in order, and their keys. */
    private final List<MemberInput> pending = new ArrayList<>();
    private final Set<String> pendingUserIds = new HashSet<>();
    private final Set<String> pendingEmails = new HashSet<>();
    /** Inserted since the last {@link #flush} returned. */
    private final List<Member> inserted = new ArrayList<>();
    /** Whether the organization held no member when this batch began ({@link #knowingNoneStored}). */
    private boolean noneStored;

    MemberBatch(MemberService service, MemberStore store, RoleStore roles, Tx tx, Caller caller, PermissionModel model,
                long orgId) {
        this.service = service;
        this.store = store;
        this.roles = roles;
        this.tx = tx;
        this.caller = caller;
        this.model = model;
        this.orgId = orgId;
    }

    /**
     * Takes {@code all} as every role of the organization as it stands in this transaction — from a caller that
     * keeps them current, such as an import's chunk — so that the batch reads none.
     */
    public MemberBatch knowingRoles(Collection<Role> all) {
        rolesById = new HashMap<>();
        for (Role r : all) {
            rolesById.put(r.id(), r);
        }
        return this;
    }

    /**
     * Takes these user ids as held by no member of the organization as it stands in this transaction — from a caller
     * that has looked them up already, such as an import's chunk — so that {@link #prepare} does not read them.
     */
    public MemberBatch knowingFree(Collection<String> userIds) {
        lookedUpUserIds.addAll(userIds);
        return this;
    }

    /**
     * Takes the organization to hold no member as it stands in this transaction — from a caller that knows it, such
     * as an import's chunk writing in an organization it has just created — so that {@link #prepare} reads none
     * (it still has the database fold the emails the transaction has not folded).
     */
    public MemberBatch knowingNoneStored() {
        noneStored = true;
        return this;
    }

    /**
     * Reads the members holding any of these user ids or emails, in three queries at most (one folds the emails not
     * folded yet in this transaction); none for keys read before, as when {@link #add} checks one prepared.
     */
    public void prepare(Collection<String> userIds, Collection<String> emails) {
        Set<String> users = new LinkedHashSet<>();
        for (String u : userIds) {
            if (!lookedUpUserIds.contains(u)) {
                users.add(u);
            }
        }
        if (!users.isEmpty()) {
            if (!noneStored) {
                for (Member m : store.findAllByUserId(tx.handle(), orgId, List.copyOf(users))) {
                    byUserId.put(m.userId(), m);
                }
            }
            lookedUpUserIds.addAll(users);
        }
        tx.folds().prefetch(tx.handle(), emails);
        Set<String> mails = new LinkedHashSet<>();
        for (String e : emails) {
            if (!lookedUpEmails.contains(key(e))) {
                mails.add(e);
            }
        }
        if (!mails.isEmpty()) {
            if (!noneStored) {
                byEmail.putAll(store.findAllByEmail(tx.handle(), orgId, List.copyOf(mails)));
            }
            mails.forEach(e -> lookedUpEmails.add(key(e)));
        }
    }

    /**
     * Checks one new member with every rule of {@link MemberService#insert} (its status active, invited or, here,
     * deactivated) and keeps it for {@link #flush}; a refused member is not kept.
     */
    public void add(MemberInput in) {
        service.requireValidNew(caller, model, orgId, in, this::role, true);
        String email = key(in.email());
        if (!lookedUpUserIds.contains(in.userId()) || !lookedUpEmails.contains(email)) {
            prepare(List.of(in.userId()), List.of(in.email()));
        }
        if (pendingUserIds.contains(in.userId()) || pendingEmails.contains(email)) {
            insertPending();
        }
        Member holder = byUserId.get(in.userId());
        if (holder != null) {
            throw MemberService.userIdTaken(orgId, in.userId(), holder);
        }
        holder = byEmail.get(email);
        if (holder != null) {
            throw MemberService.emailTaken(orgId, in.email(), holder);
        }
        tx.limits().beforeAddingMember(orgId, pending.size());
        pending.add(in);
        pendingUserIds.add(in.userId());
        pendingEmails.add(email);
    }

    /** Inserts the members kept, and returns every member this batch inserted since the last flush, in order. */
    public List<Member> flush() {
        insertPending();
        List<Member> done = List.copyOf(inserted);
        inserted.clear();
        return done;
    }

    private void insertPending() {
        if (pending.isEmpty()) {
            return;
        }
        List<Member> added = store.insertAll(tx.handle(), tx.newIds().take(tx.handle(), "members", pending.size()),
                orgId, pending, tx.now());
        for (Member m : added) {
            tx.change(orgId, ObjectType.MEMBER, m.id(), Action.CREATED, null, LoggedMember.of(m));
            byUserId.put(m.userId(), m);
            byEmail.put(key(m.email()), m);
        }
        inserted.addAll(added);
        pending.clear();
        pendingUserIds.clear();
        pendingEmails.clear();
    }

    private Optional<Role> role(long roleId) {
        if (rolesById == null) {
            rolesById = new HashMap<>();
            for (Role r : roles.list(tx.handle(), orgId, 0L, Integer.MAX_VALUE, null)) {
                rolesById.put(r.id(), r);
            }
        }
        return Optional.ofNullable(rolesById.get(roleId));
    }

    /** An email as the database folds it ({@link dev.gatehouse.sql.Folds}): two emails are one when equal. */
    private String key(String email) {
        return tx.folds().of(tx.handle(), email);
    }
}
