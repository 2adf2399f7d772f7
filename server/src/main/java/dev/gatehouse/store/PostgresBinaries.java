package dev.gatehouse.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs, unpacked from the bundled archive into a directory only the user running
 * Gatehouse can write: {@code <parent>/<digest of the archive>/{bin,lib,share}}, directories {@code 0700},
 * files readable (and, for programs, executable) by their owner only, nothing writable by group or others.
 *
 * <p>Unpacking goes to a fresh private directory that is renamed into place when complete, so a directory
 * under its final name is always whole; a new archive (another PostgreSQL build) gets a new directory and
 * the older ones (and anything a crash left half unpacked) are removed. Entries that would land outside the target (absolute paths, {@code ..}, links
 * pointing out) are refused. A JVM that already unpacked the same archive for another data directory copies
 * that installation instead of decompressing again. Callers hold the data directory's lock, so one parent
 * directory is never worked on concurrently.
 */
final class PostgresBinaries {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> PROGRAM = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> DATA = Set.of(PosixFilePermission.OWNER_READ);
    /** Installations this JVM made, by archive digest: another data directory copies one instead of unpacking. */
    private static final Map<String, Path> UNPACKED = new ConcurrentHashMap<>();

    private PostgresBinaries() {
    }

    /** Returns the installation directory under {@code parent}, unpacking the archive first if needed. */
    static Path install(Path parent) {
        byte[] archive = archive();
        String digest = digest(archive);
        Path target = parent.resolve(digest);
        PrivateFiles.directory(parent);
        if (complete(target)) {
            remember(digest, target);
            return target;
        }
        Path partial = parent.resolve(".unpacking-" + UUID.randomUUID());
        try {
            long started = System.nanoTime();
            PrivateFiles.directory(partial);
            Path done = UNPACKED.get(digest);
            if (done != null && complete(done)) {
                copy(done, partial);
            } else {
                unpack(archive, partial);
            }
            PrivateFiles.deleteTree(target);
            PrivateFiles.move(partial, target);
            removeOthers(parent, target);
            remember(digest, target);
            LOG.info("PostgreSQL binaries unpacked into {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + parent, e);
        } finally {
            try {
                PrivateFiles.deleteTree(partial);
            } catch (IOException e) {
                LOG.warn("could not remove {}: {}", partial, e.getMessage());
            }
        }
    }

    /** Keeps the first installation that still exists as the one later data directories copy. */
    private static void remember(String digest, Path installation) {
        UNPACKED.compute(digest, (key, known) -> known != null && complete(known) ? known : installation);
    }

    private static boolean complete(Path installation) {
        return Files.isRegularFile(installation.resolve("bin").resolve("postgres"), LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies an installation made earlier by this JVM (cheaper than decompressing the archive again). */
    private static void copy(Path from, Path into) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.toList();
        }
        for (Path path : paths) {
            Path copy = into.resolve(from.relativize(path).toString());
            if (Files.isSymbolicLink(path)) {
                Files.createSymbolicLink(copy, Files.readSymbolicLink(path));
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                PrivateFiles.directory(copy);
            } else {
                Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static byte[] archive() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("win") ? "Windows" : os.contains("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch");
        String machine = "amd64".equals(arch) ? "x86_64" : arch;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machine)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled PostgreSQL binaries", e);
        }
    }

    private static String digest(byte[] archive) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(archive);
            return HexFormat.of().formatHex(sha, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unpack(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = inside(into, entry.getName());
                if (entry.isDirectory()) {
                    PrivateFiles.directory(path);
                } else if (entry.isSymbolicLink()) {
                    PrivateFiles.directory(path.getParent());
                    Path link = Path.of(entry.getLinkName());
                    inside(into, into.relativize(path.getParent().resolve(link)).toString());
                    Files.createSymbolicLink(path, link);
                } else if (entry.isFile()) {
                    PrivateFiles.directory(path.getParent());
                    Files.copy(tar, path);
                    boolean program = (entry.getMode() & 0100) != 0;
                    PrivateFiles.restrict(path, program ? PROGRAM : DATA);
                } else {
                    throw new IOException("unexpected entry " + entry.getName() + " in the PostgreSQL archive");
                }
            }
        }
    }

    /** The path of an archive entry under {@code root}; refuses names that would escape it. */
    private static Path inside(Path root, String name) throws IOException {
        Path path = root.resolve(name).normalize();
        if (Path.of(name).isAbsolute() || !path.startsWith(root)) {
            throw new IOException("the PostgreSQL archive entry " + name + " points outside " + root);
        }
        return path;
    }

    private static void removeOthers(Path parent, Path keep) throws IOException {
        try (var children = Files.list(parent)) {
            for (Path child : children.toList()) {
                if (!child.equals(keep)) {
                    PrivateFiles.deleteTree(child);
                }
            }
        }
    }
}
