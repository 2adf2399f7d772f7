import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** {@code result.properties} of a load run: what the shell scripts read their result line from, in key order. */
final class Results {

    private Results() {
    }

    static Properties load(Path out) throws IOException {
        Properties p = new Properties();
        Path file = out.resolve("result.properties");
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        return p;
    }

    static void save(Path out, Properties more) throws IOException {
        Properties all = load(out);
        all.putAll(more);
        Map<String, String> sorted = new TreeMap<>();
        all.forEach((k, v) -> sorted.put(k.toString(), v.toString()));
        Map<String, String> ordered = new LinkedHashMap<>(sorted);
        Files.write(out.resolve("result.properties"), ordered.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
