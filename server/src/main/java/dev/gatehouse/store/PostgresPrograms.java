package dev.gatehouse.store;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the unpacked PostgreSQL programs ({@code initdb}, {@code pg_ctl}, {@code postgres}). PostgreSQL refuses
 * to run as root; when Gatehouse itself runs as root (as in many containers) each program runs in a new user
 * namespace ({@code unshare -U}), where it is an ordinary user that still owns the files it creates.
 * Immutable and thread-safe.
 */
final class PostgresPrograms {

    /** What a finished program returned and printed (standard output and error together). */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private final Path bin;
    private final boolean unshare;

    PostgresPrograms(Path bin) {
        this.bin = bin;
        this.unshare = LinuxUtils.isUnshareAvailable();
    }

    /** The command line that runs {@code program} with {@code args}. */
    List<String> command(String program, List<String> args) {
        List<String> command = new ArrayList<>();
        if (unshare) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(args);
        return command;
    }

    /**
     * Runs {@code program} to completion, feeding it {@code stdin} (may be null), and returns its exit code and
     * output. A program still running after {@code timeout} is killed and reported as a failure.
     */
    Result run(String program, List<String> args, String stdin, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command(program, args)).redirectErrorStream(true);
        try {
            Process process = builder.start();
            StringBuffer output = new StringBuffer();
            Thread reader = new Thread(() -> {
                try {
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the program is gone; what it printed so far is kept
                }
            }, "gatehouse-postgres-" + program);
            reader.setDaemon(true);
            reader.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, program + " did not finish within " + timeout.toSeconds() + " s");
            }
            reader.join(10_000);
            return new Result(process.exitValue(), output.toString().strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + bin.resolve(program), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }
}
