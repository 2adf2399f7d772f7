package dev.gatehouse.client;

import java.util.Collection;

/** A path with a query string, built a parameter at a time; null values are left out. Not thread-safe. */
final class Query {

    private final StringBuilder text;
    private boolean hasQuery;

    Query(String path) {
        this.text = new StringBuilder(path);
        this.hasQuery = path.indexOf('?') >= 0;
    }

    Query add(String name, Object value) {
        if (value != null) {
            text.append(hasQuery ? '&' : '?').append(name).append('=').append(Wire.encode(String.valueOf(value)));
            hasQuery = true;
        }
        return this;
    }

    /** A list parameter, comma-separated (the server also takes it repeated); left out when empty. */
    Query addAll(String name, Collection<String> values) {
        return values == null || values.isEmpty() ? this : add(name, String.join(",", values));
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
