package dev.gatehouse.http.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The console's static files, read from the class path under {@code /console/} and kept in memory once read.
 * Only flat names of the form {@code name.ext} with a known extension are served, so no request can reach
 * another resource of the class path. Each file carries its content type and a strong entity tag (a digest of
 * its bytes), which lets browsers revalidate cheaply, and — where it is smaller — a gzip encoding of its bytes made
 * once, with an entity tag of its own: two encodings of one file are two representations, and a cache that holds
 * one must never take the other for it (RFC 9110, section 8.8.3). Only files that exist are kept: a name that names
 * none is looked up again each time, so requests for made-up names (anyone may send them) cannot grow the memory
 * held.
 * Thread-safe.
 */
final class ConsoleFiles {

    /** A file: its content type, its bytes as they are, and their gzip encoding or null where that is no smaller. */
    record File(String contentType, Encoded identity, Encoded gzip) {

        /** The file's bytes as they are. */
        byte[] bytes() {
            return identity.bytes();
        }

        /** The entity tag of the bytes as they are (quoted). */
        String etag() {
            return identity.etag();
        }
    }

    /** One encoding of a file: its bytes and their strong entity tag (quoted), which no other encoding shares. */
    record Encoded(byte[] bytes, String etag) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.[a-z]{2,4}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final String root;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /** @param root the class-path folder, e.g. {@code /console/} */
    ConsoleFiles(String root) {
        this.root = root;
    }

    /** The file of that name, or empty when the name is not a console file. */
    Optional<File> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null) {
            return Optional.empty();
        }
        File known = cache.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<File> loaded = load(name, type);
        loaded.ifPresent(file -> cache.putIfAbsent(name, file));
        return loaded;
    }

    /** How many files are kept in memory. */
    int kept() {
        return cache.size();
    }

    private Optional<File> load(String name, String type) {
        try (InputStream in = ConsoleFiles.class.getResourceAsStream(root + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String digest = digest(bytes);
            byte[] gzipped = gzip(bytes);
            return Optional.of(new File(type, new Encoded(bytes, '"' + digest + '"'),
                    gzipped.length < bytes.length ? new Encoded(gzipped, '"' + digest + "-gzip\"") : null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console file " + name, e);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
