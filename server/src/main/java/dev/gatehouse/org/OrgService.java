package dev.gatehouse.org;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

import static dev.gatehouse.error.PreconditionFailedException.requireVersion;

/**
 * Organizations: created by service keys with one model (which seeds the system roles) and optionally a
 * first admin member and that member's key; read by service keys and by the organization's own members.
 * Thread-safe.
 */
public final class OrgService {

    /** A created organization, with its first admin and the admin's key when one was asked for. */
    public record Created(Organization org, Member admin, KeyService.Issued adminKey) {
    }

    /** The first admin's identity. */
    public record Admin(String userId, String email, String firstName, String lastName) {
    }

    private final Store store;
    private final OrgStore orgs = new OrgStore();
    private final OrgModels orgModels;
    private final MemberService members;
    private final KeyService keys;
    private final Access access;
    /** Organization id to model id: an organization never changes its model. */
    private final Map<Long, String> modelIds = new ConcurrentHashMap<>();

    public OrgService(Store store, OrgModels orgModels, MemberService members, KeyService keys, Access access) {
        this.store = store;
        this.orgModels = orgModels;
        this.members = members;
        this.keys = keys;
        this.access = access;
    }

    public Written<Created> create(Principal principal, String name, String modelId, Admin admin) {
        access.requireService(principal, "creating an organization");
        return access.writeDeployment(principal, "creating an organization", (tx, caller) -> {
            PermissionModel model = model(tx.handle(), modelId);
            Seeded created = createIn(tx, name, model);
            Organization org = created.org();
            List<Role> seeded = created.roles();
            if (admin == null) {
                return new Created(org, null, null);
            }
            Role adminRole = seeded.stream().filter(Role::defaultForAdmin).findFirst()
                    .or(() -> seeded.stream().filter(r -> r.permissions().contains(model.management().roles())
                            && !r.external()).findFirst())
                    .orElseThrow(() -> InvalidInputException.field("admin", "model " + modelId
                            + " has no system role for an admin"));
            Member member = members.insert(tx, caller, model, org.id(), new MemberInput(admin.userId(),
                    admin.email(), admin.firstName(), admin.lastName(), adminRole.id(), false, null));
            return new Created(org, member, keys.issue(tx, "member", org.id(), member.id(), "admin"));
        });
    }

    /**
     * The registered model {@code modelId} (one registered through another node a moment ago too); a 400 naming
     * {@code model} and the known ones when there is none.
     */
    public PermissionModel model(Handle h, String modelId) {
        PermissionModel model = orgModels.find(h, modelId);
        if (model == null) {
            throw InvalidInputException.field("model", "unknown model \"" + modelId + "\"; known: "
                    + orgModels.registry().all().stream().map(PermissionModel::id).toList());
        }
        return model;
    }

    /**
     * Creates an organization inside a deployment-level write ({@code tx}, a service key's): its row, its change
     * record and its model's system roles, as {@link #create} does without an admin. Returns it with those roles,
     * all it holds.
     */
    public Seeded createIn(Tx tx, String name, PermissionModel model) {
        return createIn(tx, insertAhead(tx, List.of(name), List.of(model)).get(0));
    }

    /**
     * The rows of organizations a deployment-level write creates further on ({@code tx}, a deployment's import
     * inserting those of a chunk together, ahead of their lines), and of their models' system roles: each one's
     * name, and its model at the same position. Each is created only by {@link #createIn(Tx, Seeded)}, at
     * its line.
     */
    public List<Seeded> insertAhead(Tx tx, List<String> names, List<PermissionModel> models) {
        if (names.isEmpty()) {
            return List.of();
        }
        List<Organization> inserted = orgs.insertAll(tx.handle(), names,
                models.stream().map(PermissionModel::id).toList(), tx.now());
        List<List<Role>> roles = RoleService.seedAhead(tx, inserted.stream().map(Organization::id).toList(), models);
        List<Seeded> ahead = new ArrayList<>(inserted.size());
        for (int i = 0; i < inserted.size(); i++) {
            ahead.add(new Seeded(inserted.get(i), roles.get(i)));
        }
        return ahead;
    }

    /**
     * Creates an organization whose rows {@link #insertAhead} inserted in this transaction: records its creation and
     * its system roles', and tells the transaction's limits what it holds.
     */
    public Seeded createIn(Tx tx, Seeded ahead) {
        Organization org = ahead.org();
        tx.change(org.id(), ObjectType.ORGANIZATION, org.id(), Action.CREATED, null, LoggedOrganization.of(org));
        RoleService.recordSeeded(tx, org.id(), ahead.roles());
        tx.limits().created(org.id(), ahead.roles().size());
        return ahead;
    }

    /** An organization just created, and its roles: its model's system roles, and nothing else in it yet. */
    public record Seeded(Organization org, List<Role> roles) {
    }

    /** Organizations the caller can see, ascending by id after {@code after}. */
    public List<Organization> list(Principal principal, long after, int limit) {
        if (principal instanceof Principal.Member m) {
            return access.read(principal, m.orgId(), (h, caller) -> orgs.list(h, after, limit, m.orgId()));
        }
        return store.read(h -> orgs.list(h, after, limit, null));
    }

    public Organization get(Principal principal, long orgId) {
        return access.read(principal, orgId, (h, caller) -> organization(h, orgId));
    }

    /**
     * The id of the model an organization uses, for a dialect that serves organizations of one model only and asks
     * on every request: the caller must be able to address the organization (a member key only its own, while
     * its member is active), which is answered from this node's memory; the model is read from the database once
     * per organization (it never changes).
     */
    public String modelId(Principal principal, long orgId) {
        access.requireOrg(principal, orgId);
        return modelIds.computeIfAbsent(orgId, id -> get(principal, id).modelId());
    }

    /**
     * The organization addressed by its account GUID (the Rooms dialect's id). A member key's own account is
     * compared first, so another organization's account answers exactly like one that does not exist.
     */
    public Organization getByAccount(Principal principal, UUID accountId) {
        NotFoundException notFound = new NotFoundException("organization_not_found", "account " + accountId
                + " not found");
        if (principal instanceof Principal.Member m) {
            Organization own = get(principal, m.orgId());
            if (!own.accountId().equals(accountId)) {
                throw notFound;
            }
            return own;
        }
        return store.read(h -> orgs.findByAccount(h, accountId)).orElseThrow(() -> notFound);
    }

    /**
     * The id of the organization with this account GUID, or empty — for authentication only (which organization an
     * access token presented on a Rooms path acts in); it reveals nothing, the request still has to authenticate.
     */
    public Optional<Long> idOfAccount(UUID accountId) {
        return store.read(h -> orgs.findByAccount(h, accountId)).map(Organization::id);
    }

    public Written<Organization> rename(Principal principal, long orgId, String name, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            PermissionModel model = orgModels.model(tx.handle(), orgId);
            caller.require(model.management().roles(), "renaming the organization");
            Organization current = organization(tx.handle(), orgId);
            requireVersion("organization", orgId, current.version(), expectedVersion);
            if (current.name().equals(name)) {
                return current; // a write that changes nothing records nothing
            }
            Organization renamed = orgs.rename(tx.handle(), orgId, name, tx.now());
            tx.change(orgId, ObjectType.ORGANIZATION, orgId, Action.UPDATED, LoggedOrganization.of(current),
                    LoggedOrganization.of(renamed));
            return renamed;
        });
    }

    /**
     * Deletes an organization and everything in it (service keys only) if it is still at {@code expectedVersion}
     * (null: whatever its version); its history stays in the log.
     */
    public Written<Organization> delete(Principal principal, long orgId, Integer expectedVersion) {
        return access.write(principal, orgId, (tx, caller) -> {
            access.requireService(principal, "deleting an organization");
            Organization current = organization(tx.handle(), orgId);
            requireVersion("organization", orgId, current.version(), expectedVersion);
            orgs.delete(tx.handle(), orgId);
            tx.change(orgId, ObjectType.ORGANIZATION, orgId, Action.DELETED, LoggedOrganization.of(current), null);
            return current;
        });
    }

    private Organization organization(Handle h, long orgId) {
        return orgs.find(h, orgId).orElseThrow(() ->
                new NotFoundException("organization_not_found", "organization " + orgId + " not found"));
    }
}
