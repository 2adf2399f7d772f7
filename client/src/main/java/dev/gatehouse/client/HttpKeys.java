package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link Keys} over the native API. Immutable and thread-safe. */
final class HttpKeys implements Keys {

    private final Requests requests;
    private final String orgPath;

    HttpKeys(Requests requests, String orgPath) {
        this.requests = requests;
        this.orgPath = orgPath;
    }

    @Override
    public Stream<ApiKey> list(MemberRef member) {
        return requests.pages(path(member), ApiKey::from);
    }

    @Override
    public IssuedKey issue(MemberRef member, String name) {
        ObjectNode body = Wire.object();
        Wire.putIfSet(body, "name", name);
        return requests.send("POST", path(member), Safety.WRITE, body, null, IssuedKey::from);
    }

    @Override
    public void revoke(MemberRef member, String keyId) {
        requests.send("DELETE", path(member) + "/" + Wire.segment(keyId, "keyId"),
                Safety.IDEMPOTENT, null, null);
    }

    private String path(MemberRef member) {
        return orgPath + "/members/" + Arguments.required(member, "member").pathSegment() + "/keys";
    }
}
