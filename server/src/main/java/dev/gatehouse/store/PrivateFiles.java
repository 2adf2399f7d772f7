package dev.gatehouse.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories only the user running Gatehouse may touch: directories {@code 0700}, secrets
 * {@code 0600}, written atomically. On file systems without POSIX permissions the modes are skipped (the
 * platform's own access control applies). Stateless and thread-safe.
 */
final class PrivateFiles {

    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** The bit of a {@code unix:mode} that lets others write into a directory. */
    private static final int OTHERS_WRITE = 0002;

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and missing parents) as {@code 0700}, or narrows an existing one to {@code 0700}: the
     * directory itself, when {@code dir} reaches it through a symbolic link (a {@code --data-dir} pointing at a volume).
     * A file or a symbolic link to nothing where a directory should be is said so: the file system names only its
     * path.
     *
     * @return true when an existing directory was narrowed
     */
    static boolean directory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes(DIRECTORY));
            }
            return restrict(dir.toRealPath(), DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("cannot create the private directory " + dir, notADirectory(dir, e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private directory " + dir, e);
        }
    }

    /**
     * The path {@code existing} names, which stands where {@code dir} or one of its parents should be, described as
     * the failure's reason (what an operator reads after the directory's name).
     */
    private static FileSystemException notADirectory(Path dir, FileAlreadyExistsException existing) {
        Path path = existing.getFile() == null ? dir : Path.of(existing.getFile());
        String subject = path.equals(dir) ? "it" : path.toString();
        String reason;
        if (Files.isSymbolicLink(path) && !Files.exists(path)) {
            reason = subject + " is a symbolic link to nothing" + linkTarget(path);
        } else if (Files.isRegularFile(path)) {
            reason = subject + " is a file, not a directory";
        } else {
            reason = subject + " is not a directory";
        }
        return new FileSystemException(path.toString(), null, reason);
    }

    /** What a symbolic link to nothing names, as {@code " (X does not exist)"}; empty when it cannot be read. */
    private static String linkTarget(Path link) {
        try {
            return " (" + Files.readSymbolicLink(link) + " does not exist)";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * An existing {@code dir} must be a directory of its own, not shared with other users: not writable by others (as
     * {@code /tmp} is), which making it {@code 0700} would lock everyone else out of — it is refused and its
     * mode left as it is. It must belong to the user this process runs as: it is made {@code 0700}, which only its
     * owner can do, and PostgreSQL's programs, which run in it as that user — as root, in a user namespace of their
     * own, without root's power over other users' files ({@link PostgresPrograms}) —, could not use it otherwise. Checked
     * before anything is written there. A directory merely readable by others is narrowed later ({@link #directory}).
     */
    static void requireOwnDirectory(Path dir) {
        if (!POSIX || !Files.isDirectory(dir)) {
            return;
        }
        requireUnshared(dir);
        Path self = Path.of("/proc/self"); // owned by the process's user, on Linux; elsewhere no owner is checked
        if (!Files.isDirectory(self)) {
            return;
        }
        try {
            if (!Files.getAttribute(dir, "unix:uid").equals(Files.getAttribute(self, "unix:uid"))) {
                String user = Files.getOwner(self).getName();
                throw new IllegalStateException("the data directory " + dir + " belongs to user "
                        + Files.getOwner(dir).getName() + ", not to " + user + " whom this node runs as: give it to "
                        + user + " (chown) or choose another --data-dir");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the owners cannot be compared: making the directory private says what is wrong, if anything
        }
    }

    /** Refuses a directory others may write into ({@code /tmp}, mode {@code 1777}). */
    private static void requireUnshared(Path dir) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(dir, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // no mode to read: the file system's own access control applies
        }
        if ((mode & OTHERS_WRITE) != 0) {
            throw new IllegalStateException("the data directory " + dir + " is shared (mode "
                    + String.format("%04o", mode & 07777) + ": others may write into it): choose a directory of its "
                    + "own for --data-dir; its mode is left as it is");
        }
    }

    /** Sets {@code path}'s mode; returns true when it changed. Symbolic links are not followed. */
    static boolean restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (!POSIX || Files.isSymbolicLink(path)) {
            return false;
        }
        if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            return false;
        }
        Files.setPosixFilePermissions(path, mode);
        return true;
    }

    /** Reads a secret written by {@link #writeSecret}, narrowing its mode to {@code 0600} if it was wider. */
    static String readSecret(Path file) {
        try {
            restrict(file, SECRET);
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Writes {@code text} to {@code file} as {@code 0600}: into a new file created with that mode, synced, then
     * moved over {@code file} in one step, so the file is never readable by others nor half written.
     */
    static void writeSecret(Path file, String text) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attributes(SECRET))) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            restrict(temp, SECRET);
            move(temp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Replaces {@code target} with {@code source}, atomically where the file system can. */
    static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Deletes a directory tree without following symbolic links (a link is removed, never its target). The
     * directory is made private first, so nobody else can add to it while it is being removed.
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            restrict(dir, DIRECTORY);
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }

    static FileAttribute<?>[] attributes(Set<PosixFilePermission> mode) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    static boolean posix() {
        return POSIX;
    }
}
