package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/** {@link Resources} over the native API. Immutable and thread-safe. */
final class HttpResources implements Resources {

    private final Requests requests;
    private final String orgPath;

    HttpResources(Requests requests, String orgPath) {
        this.requests = requests;
        this.orgPath = orgPath;
    }

    @Override
    public Resource put(ResourceRef resource, ResourceRef parent) {
        ObjectNode body = Wire.object();
        if (parent == null) {
            body.putNull("parent");
        } else {
            body.set("parent", parent.json());
        }
        return requests.send("PUT", path(resource), Safety.IDEMPOTENT, body, null, Resource::from);
    }

    @Override
    public Resource get(ResourceRef resource) {
        return requests.get(path(resource), Resource::from);
    }

    @Override
    public void delete(ResourceRef resource) {
        requests.send("DELETE", path(resource), Safety.IDEMPOTENT, null, null);
    }

    @Override
    public Stream<Resource> children(ResourceRef resource) {
        return requests.pages(path(resource) + "/children", Resource::from);
    }

    private String path(ResourceRef resource) {
        return orgPath + Arguments.required(resource, "resource").path();
    }
}
