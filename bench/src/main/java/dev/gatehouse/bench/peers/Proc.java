package dev.gatehouse.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One system under test running as a child process, with what the side-by-side run reads of it from
 * {@code /proc}: CPU time consumed (user + system, in clock ticks) and resident memory. Output goes to a log
 * file. {@link #stop()} stops it (SIGTERM, then SIGKILL after 20 s). Not thread-safe; used by the one thread
 * that runs the comparison.
 */
final class Proc {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on Linux unless the kernel says otherwise. */
    static final long CLOCK_TICKS = clockTicks();

    final String name;
    final Path log;
    private final Process process;
    private final long startedNanos = System.nanoTime();

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new Proc(name, builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Waits until a line of the log matches {@code pattern}; fails when the process dies or time runs out. */
    Matcher awaitLog(Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before " + pattern
                        + "; see " + log);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not print " + pattern + " within " + timeout + "; see " + log);
    }

    /** User plus system CPU time of this process (not of its children), in clock ticks. */
    long cpuTicks() {
        return cpuTicks(pid());
    }

    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    }

    /**
     * User plus system CPU time of this process's threads, in clock ticks, summed by thread name with its trailing
     * number dropped (the JIT's {@code C2 CompilerThread0} and {@code C2 CompilerThread1} count as one).
     */
    Map<String, Long> threadCpuTicks() {
        Map<String, Long> byName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[-#0-9]+$", "");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }

    /**
     * CPU time of every other process whose command line mentions {@code text} and of their descendants (an embedded
     * database's server and its backends), in clock ticks; a backend that has exited meanwhile is not counted.
     */
    long otherProcessesCpuTicks(String text) {
        return otherProcesses(text, pid -> cpuTicks(pid) + ProcessHandle.of(pid).stream()
                .flatMap(ProcessHandle::descendants).mapToLong(child -> {
                    try {
                        return cpuTicks(child.pid());
                    } catch (UncheckedIOException gone) {
                        return 0;
                    }
                }).sum());
    }

    /** Resident set size in KiB. */
    long rssKib() {
        return rssKib(pid());
    }

    static long rssKib(long pid) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Resident memory of every descendant process (e.g. an embedded database), in KiB. */
    long descendantsRssKib() {
        return process.descendants().mapToLong(p -> {
            try {
                return rssKib(p.pid());
            } catch (UncheckedIOException gone) {
                return 0;
            }
        }).sum();
    }

    /**
     * Resident memory of every other process whose command line mentions {@code text} (e.g. the PostgreSQL server
     * and backends of an embedded database, which are not children of the process that started them), in KiB.
     */
    long otherProcessesRssKib(String text) {
        return otherProcesses(text, Proc::rssKib);
    }

    private long otherProcesses(String text, java.util.function.LongUnaryOperator measure) {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).mapToLong(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    long pid = Long.parseLong(p.getFileName().toString());
                    return pid != pid() && cmdline.contains(text) ? measure.applyAsLong(pid) : 0;
                } catch (IOException | UncheckedIOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    void stop() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Deletes a stopped system's data directory (a Gatehouse server's embedded PostgreSQL is over 100 MB), keeping
     * the logs beside it; a directory gone already is fine.
     */
    static void deleteData(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
