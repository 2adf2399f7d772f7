package dev.gatehouse.room;

import java.util.Optional;

/** Orders of Rooms' user lists (company users and room users); ties are broken by member id. */
public enum UserSort {
    FIRST_NAME_ASC("FirstNameAsc", "lower(coalesce(m.first_name, '')) ASC"),
    FIRST_NAME_DESC("FirstNameDesc", "lower(coalesce(m.first_name, '')) DESC"),
    LAST_NAME_ASC("LastNameAsc", "lower(coalesce(m.last_name, '')) ASC"),
    LAST_NAME_DESC("LastNameDesc", "lower(coalesce(m.last_name, '')) DESC"),
    EMAIL_ASC("EmailAsc", "lower(m.email) ASC"),
    EMAIL_DESC("EmailDesc", "lower(m.email) DESC"),
    ID("", "m.id ASC");

    private final String wire;
    private final String sql;

    UserSort(String wire, String sql) {
        this.wire = wire;
        this.sql = sql;
    }

    /** The SQL ORDER BY terms over members aliased {@code m}. */
    String orderBy() {
        return this == ID ? sql : sql + ", m.id ASC";
    }

    /** A wire name such as {@code LastNameAsc} or {@code lastNameAsc} (Rooms' two spellings). */
    public static Optional<UserSort> parse(String name) {
        for (UserSort sort : values()) {
            if (!sort.wire.isEmpty() && sort.wire.equalsIgnoreCase(name)) {
                return Optional.of(sort);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        return "FirstNameAsc, FirstNameDesc, LastNameAsc, LastNameDesc, EmailAsc, EmailDesc";
    }
}
