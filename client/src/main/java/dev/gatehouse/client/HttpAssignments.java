package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.time.Instant;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link Assignments} over the native API. Immutable and thread-safe. */
final class HttpAssignments implements Assignments {

    private final Requests requests;
    private final String orgPath;

    HttpAssignments(Requests requests, String orgPath) {
        this.requests = requests;
        this.orgPath = orgPath;
    }

    @Override
    public Assignment get(ResourceRef resource, MemberRef member) {
        return requests.get(path(resource, member), Assignment::from);
    }

    @Override
    public Assignment assign(ResourceRef resource, MemberRef member, long roleId) {
        return assign(resource, member, roleId, null);
    }

    @Override
    public Assignment assign(ResourceRef resource, MemberRef member, long roleId, Instant expiresAt) {
        ObjectNode body = Wire.object().put("role_id", roleId);
        Wire.putIfSet(body, "expires_at", expiresAt);
        // a PUT states the whole assignment: repeating it changes nothing more
        return requests.send("PUT", path(resource, member), Safety.IDEMPOTENT, body, null, Assignment::from);
    }

    @Override
    public void remove(ResourceRef resource, MemberRef member) {
        requests.send("DELETE", path(resource, member), Safety.IDEMPOTENT, null, null);
    }

    @Override
    public Stream<Assignment> onResource(ResourceRef resource) {
        return requests.pages(path(resource), Assignment::from);
    }

    @Override
    public long removeAllOn(ResourceRef resource) {
        return requests.removeAll(path(resource));
    }

    @Override
    public Stream<Assignment> ofMember(MemberRef member) {
        return requests.pages(memberPath(member), Assignment::from);
    }

    @Override
    public long removeAllOf(MemberRef member) {
        return requests.removeAll(memberPath(member));
    }

    private String path(ResourceRef resource) {
        return orgPath + Arguments.required(resource, "resource").path() + "/assignments";
    }

    private String path(ResourceRef resource, MemberRef member) {
        return path(resource) + "/" + Arguments.required(member, "member").pathSegment();
    }

    private String memberPath(MemberRef member) {
        return orgPath + "/members/" + Arguments.required(member, "member").pathSegment() + "/assignments";
    }
}
