package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;

/** {@link Roles} over the native API. Immutable and thread-safe. */
final class HttpRoles implements Roles {

    private final Requests requests;
    private final String path;

    HttpRoles(Requests requests, String orgPath) {
        this.requests = requests;
        this.path = orgPath + "/roles";
    }

    @Override
    public Stream<Role> list() {
        return requests.pages(path, Role::from);
    }

    @Override
    public Role get(long roleId) {
        return requests.get(path + "/" + roleId, Role::from);
    }

    @Override
    public Role create(RoleInput role) {
        return requests.send("POST", path, Safety.WRITE, Arguments.required(role, "role").json(), null, Role::from);
    }

    @Override
    public Role update(long roleId, RoleInput changes) {
        return patch(roleId, changes, null);
    }

    @Override
    public Role update(long roleId, RoleInput changes, long expectedVersion) {
        return patch(roleId, changes, expectedVersion);
    }

    private Role patch(long roleId, RoleInput changes, Long version) {
        return requests.send("PATCH", path + "/" + roleId, Safety.WRITE,
                Arguments.required(changes, "changes").json(), version, Role::from);
    }

    @Override
    public void delete(long roleId) {
        requests.send("DELETE", path + "/" + roleId, Safety.IDEMPOTENT, null, null);
    }

    @Override
    public void delete(long roleId, long expectedVersion) {
        requests.send("DELETE", path + "/" + roleId, Safety.IDEMPOTENT, null, expectedVersion);
    }
}
