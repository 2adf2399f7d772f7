package dev.gatehouse.client;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The one check of the arguments a caller passes (docs/client.md): a null argument, or a null element of a list
 * argument, is refused before anything is sent with an {@link IllegalArgumentException} whose message names it —
 * {@code checks}, {@code checks[1]}, {@code objectTypes[0]} — rather than failing later, somewhere inside, with a
 * {@link NullPointerException} that names nothing. Stateless and thread-safe.
 */
final class Arguments {

    private Arguments() {
    }

    /** {@code value}, refused when null with a message naming {@code name}. */
    static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** An immutable copy of {@code values}, refused when it or an element is null, naming {@code name[i]}. */
    static <T> List<T> elements(Collection<? extends T> values, String name) {
        required(values, name);
        int i = 0;
        for (T value : values) {
            required(value, name + "[" + i++ + "]");
        }
        return List.copyOf(values);
    }

    /** {@link #elements(Collection, String)} of an array (a varargs parameter). */
    static <T> List<T> elements(T[] values, String name) {
        return elements(Arrays.asList(required(values, name)), name);
    }

    /** {@code values}, refused when it, a key or a value is null ({@code name.key}, {@code name[key]}). */
    static <K, V> Map<K, V> entries(Map<K, V> values, String name) {
        required(values, name);
        values.forEach((key, value) -> {
            required(key, name + " key");
            required(value, name + "[" + key + "]");
        });
        return values;
    }
}
