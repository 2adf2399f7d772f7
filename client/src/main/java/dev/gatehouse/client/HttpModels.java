package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** {@link Models} over the native API. Immutable and thread-safe. */
final class HttpModels implements Models {

    private final Requests requests;

    HttpModels(Requests requests) {
        this.requests = requests;
    }

    @Override
    public Stream<Model> list() {
        return requests.pages("/v1/models", Model::from);
    }

    @Override
    public Model get(String id) {
        return requests.get("/v1/models/" + Wire.segment(id, "id"), Model::from);
    }

    @Override
    public Model register(JsonNode definition) {
        return requests.send("POST", "/v1/models", Safety.WRITE, Arguments.required(definition,
                "definition"), null, Model::from);
    }
}
