package dev.gatehouse.bench;

import dev.gatehouse.engine.EngineBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * Heap the engine needs for a dataset: loads it as engine operations and reports the heap
 * in use after a full collection before anything is loaded, after organizations, roles and members, and
 * after the assignments, then the largest classes on the heap. Run with a fixed heap, e.g.
 * {@code java -Xms3g -Xmx3g -cp bench/target/benchmarks.jar dev.gatehouse.bench.EngineHeap large}.
 *
 * <p>Arguments: a dataset name ({@code small}, {@code large} or {@code <orgs>x<members>x<docs>}), default
 * {@code large}; {@code --histogram} to print the class histogram.
 */
public final class EngineHeap {

    private EngineHeap() {
    }

    public static void main(String[] args) throws Exception {
        Dataset data = Dataset.named(args.length > 0 ? args[0] : "large");
        boolean histogram = args.length > 1 && args[1].equals("--histogram");
        System.out.printf(Locale.ROOT, "dataset %s: %,d organizations, %,d members, %,d assignments; max heap %,d MiB%n",
                data.name(), data.orgs(), data.members(), data.assignments(), Runtime.getRuntime().maxMemory() >> 20);

        long empty = usedAfterGc();
        EngineBuilder engine = Dataset.newEngine();
        long start = System.nanoTime();
        data.loadDirectory(engine);
        long directoryNanos = System.nanoTime() - start;
        long directory = usedAfterGc();
        start = System.nanoTime();
        data.loadAssignments(engine);
        long assignmentNanos = System.nanoTime() - start;
        long full = usedAfterGc();

        long members = directory - empty;
        long assignments = full - directory;
        System.out.printf(Locale.ROOT, "load: directory %.1f s, assignments %.1f s (%,.0f assignments/s)%n",
                directoryNanos / 1e9, assignmentNanos / 1e9, data.assignments() / (assignmentNanos / 1e9));
        System.out.printf(Locale.ROOT, "heap after full GC: empty %,d MiB, + directory %,d MiB, + assignments %,d MiB%n",
                empty >> 20, directory >> 20, full >> 20);
        System.out.printf(Locale.ROOT, "engine total %,d MiB (%.2f GiB); organizations, roles and members %,d MiB"
                        + " (%.0f bytes per member); assignments %,d MiB (%.0f bytes per assignment)%n",
                (full - empty) >> 20, (full - empty) / (double) (1L << 30), members >> 20,
                members / (double) data.members(), assignments >> 20, assignments / (double) data.assignments());
        if (histogram) {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            text.lines().limit(25).forEach(System.out::println);
        }
        // keep the engine reachable until every measurement is taken
        System.out.println("organizations held: " + engine.build().organizationCount());
    }

    /** Heap in use after full collections, once the number has settled. */
    static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < (1 << 20)) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
