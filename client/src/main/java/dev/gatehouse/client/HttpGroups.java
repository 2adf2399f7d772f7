package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Answer;
import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link Groups} over the native API. Immutable and thread-safe. */
final class HttpGroups implements Groups {

    private final Requests requests;
    private final String path;

    HttpGroups(Requests requests, String orgPath) {
        this.requests = requests;
        this.path = orgPath + "/groups";
    }

    @Override
    public Stream<Group> list() {
        return requests.pages(path, Group::from);
    }

    @Override
    public Group get(long groupId) {
        return requests.get(path + "/" + groupId, Group::from);
    }

    @Override
    public Group create(String name) {
        return requests.send("POST", path, Safety.WRITE, named(name), null, Group::from);
    }

    @Override
    public Group rename(long groupId, String name) {
        return requests.send("PATCH", path + "/" + groupId, Safety.WRITE, named(name), null, Group::from);
    }

    @Override
    public Group rename(long groupId, String name, long expectedVersion) {
        return requests.send("PATCH", path + "/" + groupId, Safety.WRITE, named(name), expectedVersion, Group::from);
    }

    @Override
    public void delete(long groupId) {
        requests.send("DELETE", path + "/" + groupId, Safety.IDEMPOTENT, null, null);
    }

    @Override
    public void delete(long groupId, long expectedVersion) {
        requests.send("DELETE", path + "/" + groupId, Safety.IDEMPOTENT, null, expectedVersion);
    }

    @Override
    public Stream<GroupMember> members(long groupId) {
        return requests.pages(path + "/" + groupId + "/members", GroupMember::from);
    }

    @Override
    public Membership addMember(long groupId, MemberRef member) {
        ObjectNode body = Wire.object();
        Arguments.required(member, "member").putInto(body);
        // adding a member it already holds answers 200 and changes nothing: safe to repeat
        String added = path + "/" + groupId + "/members";
        Answer answer = requests.answer("POST", added, Safety.IDEMPOTENT, body, null);
        return new Membership(Wire.read(answer.status(), "POST " + added, answer.body(), GroupMember::from),
                answer.status() == 201);
    }

    @Override
    public void removeMember(long groupId, MemberRef member) {
        requests.send("DELETE", path + "/" + groupId + "/members/" + Arguments.required(member, "member")
                .pathSegment(), Safety.IDEMPOTENT, null, null);
    }

    private static ObjectNode named(String name) {
        return Wire.object().put("name", Arguments.required(name, "name"));
    }
}
