package dev.gatehouse.client;

import java.util.stream.Stream;

/** {@link Events} over the native API. Immutable and thread-safe. */
final class HttpEvents implements Events {

    private final Requests requests;
    private final String path;

    HttpEvents(Requests requests, String orgPath) {
        this.requests = requests;
        this.path = orgPath + "/events";
    }

    @Override
    public Stream<Event> list(EventQuery query) {
        return requests.pages(Arguments.required(query, "query").path(path), Event::from);
    }

    @Override
    public Event get(long revision) {
        return requests.get(path + "/" + revision, Event::from);
    }

    @Override
    public Stream<ImportedObject> objects(long revision) {
        return requests.pages(path + "/" + revision + "/objects", ImportedObject::from);
    }
}
