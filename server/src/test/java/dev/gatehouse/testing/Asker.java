package dev.gatehouse.testing;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Something that answers decision questions in the native API's shapes — a node over HTTP ({@link #of(Http)}), or,
 * in the client module's tests, an in-process replica rendering its answers so — for suites that hold every decider
 * to the same answers ({@code enginefeed/DecisionSemanticsSuite}).
 */
public interface Asker {

    Answer get(String path);

    Answer post(String path, Object body);

    /** An answer: its status and its JSON body. */
    record Answer(int status, JsonNode json) {

        public Answer {
            Objects.requireNonNull(json, "json");
        }

        public JsonNode get(String field) {
            return json.get(field);
        }

        public String body() {
            return json.toString();
        }

        @Override
        public String toString() {
            String body = body();
            return status + " " + (body.length() <= 600 ? body : body.substring(0, 600) + "...");
        }
    }

    /** A node's native API through {@code http}. */
    static Asker of(Http http) {
        return new Asker() {
            @Override
            public Answer get(String path) {
                return answer(http.get(path));
            }

            @Override
            public Answer post(String path, Object body) {
                return answer(http.post(path, body));
            }

            private Answer answer(Http.Res res) {
                return new Answer(res.status(), res.json() == null
                        ? tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(res.body()) : res.json());
            }
        };
    }
}
