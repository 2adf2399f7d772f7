package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link Members} over the native API. Immutable and thread-safe. */
final class HttpMembers implements Members {

    private final Requests requests;
    private final String path;

    HttpMembers(Requests requests, String orgPath) {
        this.requests = requests;
        this.path = orgPath + "/members";
    }

    @Override
    public Stream<Member> list() {
        return list(MemberQuery.all());
    }

    @Override
    public Stream<Member> list(MemberQuery query) {
        Arguments.required(query, "query");
        Query q = new Query(path).add("status", query.status() == null ? null : query.status().wire())
                .add("role_id", query.roleId()).add("q", query.text());
        return requests.pages(q.toString(), Member::from);
    }

    @Override
    public Member get(MemberRef member) {
        return requests.get(path(member), Member::from);
    }

    @Override
    public Member add(NewMember member) {
        return requests.send("POST", path, Safety.WRITE, Arguments.required(member, "member").json(),
                null, Member::from);
    }

    @Override
    public Member update(MemberRef member, MemberUpdate changes) {
        return patch(member, changes, null);
    }

    @Override
    public Member update(MemberRef member, MemberUpdate changes, long expectedVersion) {
        return patch(member, changes, expectedVersion);
    }

    private Member patch(MemberRef member, MemberUpdate changes, Long version) {
        return requests.send("PATCH", path(member), Safety.WRITE,
                Arguments.required(changes, "changes").json(), version, Member::from);
    }

    @Override
    public List<String> grants(MemberRef member) {
        return requests.get(path(member) + "/grants", grants -> Wire.strings(grants, "permissions"));
    }

    @Override
    public List<String> setGrants(MemberRef member, List<String> permissions) {
        ObjectNode body = Wire.object();
        Arguments.elements(permissions, "permissions").forEach(body.putArray("permissions")::add);
        return requests.send("PUT", path(member) + "/grants", Safety.IDEMPOTENT, body, null,
                grants -> Wire.strings(grants, "permissions"));
    }

    @Override
    public Member accept(MemberRef member) {
        // accepting an accepted member changes nothing: safe to repeat
        return requests.send("POST", path(member) + "/accept", Safety.IDEMPOTENT, null, null, Member::from);
    }

    @Override
    public void remove(MemberRef member) {
        requests.send("DELETE", path(member), Safety.IDEMPOTENT, null, null);
    }

    @Override
    public void remove(MemberRef member, long expectedVersion) {
        requests.send("DELETE", path(member), Safety.IDEMPOTENT, null, expectedVersion);
    }

    private String path(MemberRef member) {
        return path + "/" + Arguments.required(member, "member").pathSegment();
    }
}
