package dev.gatehouse.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file a command is told to read ({@code apply -f}, {@code import}), checked before anything else is done with
 * it so that a wrong name is refused with the reason — no such file, a directory, not readable — rather than a bare
 * "cannot read". A named pipe or a device ({@code <(zcat lines.gz)}, {@code /dev/stdin}) is taken too, and read as
 * a stream, as standard input is: once, with no size known beforehand ({@link #stream}). Stateless.
 */
final class ReadableFile {

    private ReadableFile() {
    }

    /**
     * {@code name} as a path to a file this process may read — a regular file, or a stream ({@link #stream}); a
     * {@link CliException} saying why not.
     */
    static Path require(String name) {
        if (name.isBlank()) {
            // Path.of("") is the working directory: it would be refused as a directory
            throw new CliException("the file name is empty: name a file, or - for standard input");
        }
        Path path = Path.of(name);
        String why = null;
        if (!Files.exists(path)) {
            why = "no such file";
        } else if (Files.isDirectory(path)) {
            why = "it is a directory";
        } else if (!Files.isReadable(path)) {
            why = "permission denied (the file is not readable by this user)";
        }
        if (why != null) {
            throw new CliException("cannot read " + name + ": " + why);
        }
        return path;
    }

    /** Whether {@code path} is read as a stream: not a regular file (a named pipe, a device), so read only once. */
    static boolean stream(Path path) {
        return !Files.isRegularFile(path);
    }
}
