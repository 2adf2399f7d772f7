package dev.gatehouse.sql;

import dev.gatehouse.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Rows written into a table with {@code COPY … FROM STDIN} in PostgreSQL's binary format: the cheapest way into a
 * table for PostgreSQL and for the driver — one statement, no per-row planning, no parameters to bind one by one,
 * no text to parse (times above all). Each {@link #row} is followed by exactly its columns' values, in the order
 * the {@code COPY} names them; null values are SQL NULL. A failing row (a duplicate key, say) fails the whole
 * statement, as an insert would.
 *
 * <p>Not thread-safe; lives for one statement.
 */
public final class CopyRows {

    /** The binary format's signature: its first 11 bytes. */
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** PostgreSQL's epoch for times, 2000-01-01T00:00:00Z, in seconds of Java's. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    /** The type of {@code text} in PostgreSQL's catalog, which a binary array names for its elements. */
    private static final int TEXT_OID = 25;
    /** The version byte a binary {@code jsonb} value starts with. */
    private static final byte JSONB_VERSION = 1;

    private final String copy;
    private final short columns;
    /**
     * The room every row keeps free for its values of fixed size (at most 12 bytes each, their lengths counted):
     * {@link #row} makes sure of it, and so does each value of variable length beyond its own bytes, so that values
     * of fixed size are written without a check of their own. A run's loop writing a dozen values per row then
     * compiles to half the code: with a check in each value, the compiler (C2) gave up on a member's loop after
     * seconds of work ("out of nodes"), once per large import.
     */
    private final int fixedRoom;
    private byte[] buffer;
    private int size;
    /** Writes JSON trees into {@link #buffer}, created on first need. */
    private JsonGenerator generator;
    private int lastValueBytes;

    /** Rows for {@code COPY table (columns…)}: {@code table} with its column list, as the statement names them. */
    public CopyRows(String tableAndColumns, int columns, int expectedRows) {
        this.copy = "COPY " + tableAndColumns + " FROM STDIN (FORMAT binary)";
        this.columns = (short) columns;
        this.fixedRoom = 2 + columns * 12;
        this.buffer = new byte[64 + expectedRows * columns * 16];
        putBytes(SIGNATURE);
        putInt(0); // flags
        putInt(0); // no header extension
    }

    /** Starts a row; its values follow. */
    public CopyRows row() {
        ensure(fixedRoom);
        putShort(columns);
        return this;
    }

    /** A {@code bigint}. */
    public CopyRows bigint(Long value) {
        if (value == null) {
            return nullValue();
        }
        putInt(8);
        putLong(value);
        return this;
    }

    /** A {@code boolean}. */
    public CopyRows bool(boolean value) {
        putInt(1);
        buffer[size++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** An {@code integer}. */
    public CopyRows integer(int value) {
        putInt(4);
        putInt(value);
        return this;
    }

    /** A {@code text}. */
    public CopyRows text(String value) {
        if (value == null) {
            return nullValue();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ensure(4 + utf8.length + fixedRoom);
        putInt(utf8.length);
        putBytes(utf8);
        return this;
    }

    /** A {@code jsonb} from its JSON text (which PostgreSQL parses and checks, as it does a cast). */
    public CopyRows jsonb(String json) {
        if (json == null) {
            return nullValue();
        }
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        ensure(5 + utf8.length + fixedRoom);
        putInt(utf8.length + 1);
        buffer[size++] = JSONB_VERSION;
        putBytes(utf8);
        return this;
    }

    /**
     * A {@code jsonb} from a JSON tree, written as UTF-8 text straight into the rows (PostgreSQL parses and checks it,
     * as it does a cast); {@link #lastValueBytes} is then the text's length.
     */
    public CopyRows jsonb(JsonNode json) {
        if (json == null) {
            lastValueBytes = 0;
            return nullValue();
        }
        int lengthAt = size;
        putInt(0);
        buffer[size++] = JSONB_VERSION;
        int start = size;
        if (generator == null) {
            generator = Json.MAPPER.writer().withRootValueSeparator("").createGenerator(new OutputStream() {
                @Override
                public void write(int b) {
                    ensure(1);
                    buffer[size++] = (byte) b;
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    ensure(length);
                    System.arraycopy(bytes, offset, buffer, size, length);
                    size += length;
                }
            });
        }
        generator.writeTree(json);
        generator.flush();
        lastValueBytes = size - start;
        putIntAt(lengthAt, lastValueBytes + 1);
        ensure(fixedRoom);
        return this;
    }

    /** The UTF-8 length of the JSON text the last {@link #jsonb(JsonNode)} wrote (0 for null). */
    public int lastValueBytes() {
        return lastValueBytes;
    }

    /** A {@code timestamptz}: microseconds since PostgreSQL's epoch. */
    public CopyRows time(Instant at) {
        if (at == null) {
            return nullValue();
        }
        putInt(8);
        putLong(Math.addExact(Math.multiplyExact(at.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L),
                at.getNano() / 1_000));
        return this;
    }

    /** A {@code text[]} of one dimension, from 1, without null elements. */
    public CopyRows textArray(List<String> values) {
        byte[][] utf8 = new byte[values.size()][];
        int length = values.isEmpty() ? 12 : 20;
        for (int i = 0; i < utf8.length; i++) {
            utf8[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
            length += 4 + utf8[i].length;
        }
        ensure(4 + length + fixedRoom);
        putInt(length);
        putInt(values.isEmpty() ? 0 : 1); // dimensions
        putInt(0); // no null element
        putInt(TEXT_OID);
        if (!values.isEmpty()) {
            putInt(values.size());
            putInt(1); // lower bound
            for (byte[] element : utf8) {
                putInt(element.length);
                putBytes(element);
            }
        }
        return this;
    }

    /** Sends the rows in one {@code COPY} on the handle's connection (and transaction). */
    public void copyInto(Handle h) {
        ensure(2);
        putShort((short) -1); // the end of the rows
        try {
            h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(copy,
                    new ByteArrayInputStream(buffer, 0, size));
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CopyRows nullValue() {
        putInt(-1);
        return this;
    }

    // Values of fixed size, and bytes the caller has made room for: no check of their own (see fixedRoom).

    private void putShort(short value) {
        buffer[size] = (byte) (value >>> 8);
        buffer[size + 1] = (byte) value;
        size += 2;
    }

    private void putInt(int value) {
        putIntAt(size, value);
        size += 4;
    }

    /** Writes {@code value} over the four bytes at {@code at}, written or made room for before. */
    private void putIntAt(int at, int value) {
        byte[] b = buffer;
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }

    private void putBytes(byte[] bytes) {
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(size + more, buffer.length * 2));
        }
    }
}
