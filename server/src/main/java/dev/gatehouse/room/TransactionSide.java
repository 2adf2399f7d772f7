package dev.gatehouse.room;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Rooms' transaction sides ({@code transactionSideId}): the side of a deal a room or a room user is on. */
public enum TransactionSide {
    BUY("buy"), SELL("sell"), LISTBUY("listbuy"), REFI("refi");

    private final String wire;

    TransactionSide(String wire) {
        this.wire = wire;
    }

    /** The id Rooms uses, as stored. */
    public String wire() {
        return wire;
    }

    /** The side a Rooms id names, ignoring case; empty for anything else. */
    public static Optional<TransactionSide> parse(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wire.equals(lower)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(TransactionSide::wire).toList();
    }
}
