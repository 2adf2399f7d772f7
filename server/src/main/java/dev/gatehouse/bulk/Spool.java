package dev.gatehouse.bulk;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import dev.gatehouse.json.Json;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answer of a read that streams a snapshot to a client (an export, a replica's snapshot), held between the
 * database and the client: the read writes it here inside its transaction, the transaction ends and gives its
 * connection back, and only then is it copied to the client, as fast or as slowly as the client reads. A client that
 * reads slowly or not at all holds a request thread and this spool, never a database connection: the node's
 * connections (8 by default) are shared by every tenant's writes, the webhook deliveries and the change feed, and a
 * few exports left unread once held them all.
 *
 * <p>The first {@value #IN_MEMORY} bytes stay in memory; beyond that the spool moves to a temporary file of its own
 * (in {@code java.io.tmpdir}, readable by the node's user alone), so many large answers in flight cost disk, not
 * heap — an organization of 100,000 members exports to tens of MB. The file's name is removed as soon as it is open
 * (where the file system lets an open file be unlinked, as every POSIX one does): its bytes live as long as the spool
 * holds it open, and a node that dies, even by {@code kill -9}, leaves nothing behind; elsewhere the file is deleted
 * when the spool closes ({@code DELETE_ON_CLOSE}, and {@link #close}). Not thread-safe: one read writes it, then one
 * request copies it.
 */
public final class Spool extends OutputStream {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /** Bytes held in memory before the spool moves to a file. */
    static final int IN_MEMORY = 256 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private byte[] held = new byte[8 * 1024];
    private int size;
    private Path file;
    private FileChannel channel;
    private OutputStream toFile;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (toFile == null && size + length > IN_MEMORY) {
            file = Files.createTempFile("gatehouse-spool-", ".ndjson");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
            try {
                Files.delete(file);
                file = null;
            } catch (IOException stillOpen) {
                // a file system that cannot unlink an open file: DELETE_ON_CLOSE and close() delete it
            }
            toFile = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            toFile.write(held, 0, size);
            held = null;
        }
        if (toFile != null) {
            toFile.write(bytes, offset, length);
            return;
        }
        if (size + length > held.length) {
            held = Arrays.copyOf(held, Math.min(IN_MEMORY, Math.max(size + length, held.length * 2)));
        }
        System.arraycopy(bytes, offset, held, size, length);
        size += length;
    }

    /** Appends {@code line} as one NDJSON line: the lines an export and a replica's snapshot are made of. */
    public void line(ObjectNode line) {
        try {
            write(Json.write(line));
            write(NEWLINE, 0, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes everything spooled to {@code out} and flushes it; an {@link UncheckedIOException} when either fails. */
    public void copyTo(OutputStream out) {
        try {
            if (toFile == null) {
                out.write(held, 0, size);
            } else {
                toFile.flush();
                channel.position(0);
                Channels.newInputStream(channel).transferTo(out);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the file, if the spool has one; the spool holds nothing afterwards. */
    @Override
    public void close() {
        held = null;
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing of it is read any more: deleting it is all that matters
        }
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the answer went out (or could not): the client is not told about a file it never saw
            LOG.warn("could not delete the spool file {}", file, e);
        }
    }
}
