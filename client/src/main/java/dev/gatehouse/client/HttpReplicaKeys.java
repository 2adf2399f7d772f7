package dev.gatehouse.client;

import dev.gatehouse.client.Keys.ApiKey;
import dev.gatehouse.client.Keys.IssuedKey;
import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link ReplicaKeys} over the native API. Immutable and thread-safe. */
final class HttpReplicaKeys implements ReplicaKeys {

    private static final String PATH = "/v1/replica-keys";

    private final Requests requests;

    HttpReplicaKeys(Requests requests) {
        this.requests = requests;
    }

    @Override
    public Stream<ApiKey> list() {
        return requests.pages(PATH, ApiKey::from);
    }

    @Override
    public IssuedKey issue(String name, Long orgId) {
        ObjectNode body = Wire.object();
        Wire.putIfSet(body, "name", name);
        if (orgId != null) {
            body.put("org_id", orgId);
        }
        return requests.send("POST", PATH, Safety.WRITE, body, null, IssuedKey::from);
    }

    @Override
    public void revoke(String keyId) {
        requests.send("DELETE", PATH + "/" + Wire.segment(keyId, "keyId"), Safety.IDEMPOTENT,
                null, null);
    }
}
