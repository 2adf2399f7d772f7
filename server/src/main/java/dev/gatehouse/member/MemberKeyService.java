package dev.gatehouse.member;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.KeyService;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The API keys of a member: a member mints keys only for itself (a service key for anyone); it lists and
 * revokes its own, and a member manager — whoever passes the model's {@link MemberRules} gate for changing that
 * member and holds all it holds ({@link MemberService#requireMay}) — lists and revokes another's (to cut off a lost
 * key without deactivating the member), but never mints one, since a key acts with its member's permissions.
 * Thread-safe.
 */
public final class MemberKeyService {

    private final Access access;
    private final MemberService members;
    private final KeyService keys;
    private final OrgModels orgModels;

    public MemberKeyService(Access access, MemberService members, KeyService keys, OrgModels orgModels) {
        this.access = access;
        this.members = members;
        this.keys = keys;
        this.orgModels = orgModels;
    }

    /** A new key for a member: by a service key, or by the member for itself. */
    public Written<KeyService.Issued> create(Principal principal, long orgId, MemberRef ref, String name) {
        return access.write(principal, orgId, (tx, caller) -> {
            Member member = members.resolve(tx.handle(), caller, orgId, ref);
            if (!caller.isService() && !caller.is(member.id())) {
                throw new ForbiddenException("forbidden", "only a service key or member " + member.id()
                        + " itself can create its keys");
            }
            return keys.issue(tx, "member", orgId, member.id(), name == null ? "" : name);
        });
    }

    /** A member's keys (revoked ones too) in creation order, after the key {@code afterKeyId} when given. */
    public List<ApiKey> list(Principal principal, long orgId, MemberRef ref, String afterKeyId, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            orgModels.requireExists(h, orgId);
            Member member = members.resolve(h, caller, orgId, ref);
            requireSelfOrManager(h, caller, orgId, member, "listing the keys of member " + member.id());
            return keys.list(h, member.id(), afterKeyId, limit);
        });
    }

    /** Revokes a member's key; revoking it again changes nothing and records nothing. */
    public Written<ApiKey> revoke(Principal principal, long orgId, MemberRef ref, String keyId) {
        return access.write(principal, orgId, (tx, caller) -> {
            Member member = members.resolve(tx.handle(), caller, orgId, ref);
            requireSelfOrManager(tx.handle(), caller, orgId, member, "revoking a key of member " + member.id());
            return keys.revoke(tx, orgId, member.id(), keyId);
        });
    }

    private void requireSelfOrManager(Handle h, Caller caller, long orgId, Member member, String what) {
        if (!caller.is(member.id())) {
            members.requireMay(h, caller, orgModels.model(h, orgId), MemberRules.Action.MANAGE, member,
                    member.roleId(), member.external(), what);
        }
    }
}
