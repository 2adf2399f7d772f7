package dev.gatehouse.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL's lock file {@code postmaster.pid} in a data directory, as far as Gatehouse needs it: the
 * process id of the server that wrote it, and the Unix socket directory (the file's first and fifth lines).
 *
 * <p>{@link #holder} tells what that process is now, from its command line: a server started over
 * <em>this</em> data directory ({@code -D <dir>}, compared once every symbolic link is resolved: a data directory
 * reached through a link is the same directory), a process that is plainly something else (a reused process
 * id, common after a container restart: PostgreSQL would refuse to start over such a file), or — when the
 * process cannot be inspected, or looks like PostgreSQL without saying which data directory it serves —
 * unknown, which callers must treat as possibly a server. Immutable.
 */
record PostmasterPid(long pid, String socketDirectory) {

    static final String FILE = "postmaster.pid";

    /** What the process named in the file is. */
    enum Holder {
        /** No such process: PostgreSQL removes the stale file itself. */
        GONE,
        /** A PostgreSQL server running over this data directory. */
        SERVER,
        /** A live process that is not a server of this data directory. */
        OTHER,
        /** A live process that cannot be inspected. */
        UNKNOWN
    }

    /** The lock file of {@code pgData}, if there is one with a process id. */
    static Optional<PostmasterPid> read(Path pgData) {
        List<String> lines;
        try {
            lines = Files.readAllLines(pgData.resolve(FILE));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pgData.resolve(FILE), e);
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            return Optional.of(new PostmasterPid(pid, lines.size() > 4 ? lines.get(4).strip() : ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    Holder holder(Path pgData) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive() || pid == ProcessHandle.current().pid()) {
            return Holder.GONE;
        }
        Optional<String[]> arguments = process.get().info().arguments();
        Optional<String> command = process.get().info().command();
        if (arguments.isEmpty() && command.isEmpty()) {
            return Holder.UNKNOWN;
        }
        List<String> args = Arrays.asList(arguments.orElse(new String[0]));
        int d = args.indexOf("-D");
        if (d >= 0 && d + 1 < args.size()) {
            boolean here = real(Path.of(args.get(d + 1))).equals(real(pgData));
            return here ? Holder.SERVER : Holder.OTHER;
        }
        // The program may have been removed or replaced since it started (then its name ends in " (deleted)").
        boolean postgres = command.map(c -> Path.of(c).getFileName().toString().startsWith("postgres")).orElse(true);
        return postgres ? Holder.UNKNOWN : Holder.OTHER;
    }

    /**
     * The path with every symbolic link resolved, so that a server started over a link to the data directory (or
     * over the directory a link names) is still recognised; as written when it does not exist.
     */
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
