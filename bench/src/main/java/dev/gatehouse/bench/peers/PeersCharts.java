package dev.gatehouse.bench.peers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import tools.jackson.databind.JsonNode;

/**
 * Draws the comparison's charts from {@code summary.json} (written by {@link PeersReport}) into the same
 * directory: HTTP throughput and CPU per request per system, in-process latency per system, and in-process
 * latency against dataset size. Charts whose data is missing are skipped. Run headless. Stateless.
 *
 * <p>Usage: {@code java -Djava.awt.headless=true -cp bench/target/benchmarks.jar
 * dev.gatehouse.bench.peers.PeersCharts <results-dir>}
 */
public final class PeersCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    private static final Map<String, String> NAMES = Map.of("gatehouse", "Gatehouse", "cerbos", "Cerbos",
            "spicedb", "SpiceDB (embedded)", "cedar", "cedar-java", "casbin", "jCasbin");
    private static final Color[] COLORS = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
            new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B)};

    private PeersCharts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/peers/results");
        JsonNode summary = PeersRun.readJson(dir.resolve("summary.json"));
        JsonNode http = summary.path("http");
        if (!http.isMissingNode()) {
            String note = httpNote(http);
            save(bars("HTTP check throughput (higher is better)", note, "requests per second", http, "requests_per_s", false),
                    dir.resolve("http-throughput.png"));
            save(bars("CPU time per HTTP check (lower is better)", note, "CPU microseconds per request (server process)",
                    http, "cpu_us_per_request", false), dir.resolve("http-cpu-per-request.png"));
        }
        JsonNode inProcess = summary.path("in_process");
        if (inProcess.isArray() && !inProcess.isEmpty()) {
            save(inProcessBars(inProcess), dir.resolve("inprocess-latency.png"));
            save(latencyBySize(inProcess), dir.resolve("inprocess-latency-vs-size.png"));
        }
        System.out.println("charts written to " + dir);
    }

    private static String httpNote(JsonNode http) {
        JsonNode m = http.path("machine");
        return String.format(Locale.ROOT, "%s; %d cores, %s; load average %.1f at start",
                http.path("tool").asString(), m.path("cores").asInt(), m.path("cpu").asString(),
                m.path("load_average_before").asDouble());
    }

    private static JFreeChart bars(String title, String note, String axis, JsonNode http, String key, boolean log) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String kind : PeersReport.KINDS) {
            JsonNode rows = http.path("kinds").path(kind);
            for (String system : PeersReport.HTTP_SYSTEMS) {
                if (rows.has(system)) {
                    data.addValue(rows.path(system).path(key).asDouble(), kind + " checks", NAMES.get(system));
                }
            }
        }
        return categoryChart(title, note, axis, data, log);
    }

    private static JFreeChart inProcessBars(JsonNode rows) {
        int size = defaultSize(rows);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String kind : PeersReport.KINDS) {
            for (String system : PeersReport.IN_PROCESS_SYSTEMS) {
                for (JsonNode r : rows) {
                    if (r.path("system").asString().equals(system) && r.path("kind").asString().equals(kind)
                            && r.path("tenants").asInt() == size) {
                        data.addValue(r.path("ns_per_check").asDouble(), kind + " checks", NAMES.get(system));
                    }
                }
            }
        }
        return categoryChart("In-process check latency (lower is better, log scale)",
                String.format(Locale.ROOT, "JMH average time, median of iterations; %d tenants x 100 users", size),
                "nanoseconds per check", data, true);
    }

    /** The size the standard workload uses when measured, else the largest. */
    private static int defaultSize(JsonNode rows) {
        int largest = 0;
        for (JsonNode r : rows) {
            if (r.path("tenants").asInt() == 100) {
                return 100;
            }
            largest = Math.max(largest, r.path("tenants").asInt());
        }
        return largest;
    }

    private static JFreeChart categoryChart(String title, String note, String axis, DefaultCategoryDataset data, boolean log) {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new java.text.DecimalFormat("#,##0")));
        renderer.setDefaultItemLabelsVisible(true);
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
        }
        NumberAxis linear = new NumberAxis(axis);
        CategoryPlot plot;
        if (log) {
            LogAxis range = decades(new LogAxis(axis));
            range.setSmallestValue(1);
            renderer.setBase(1);
            plot = new CategoryPlot(data, new CategoryAxis(), range, renderer);
        } else {
            linear.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
            linear.setUpperMargin(0.12);
            plot = new CategoryPlot(data, new CategoryAxis(), linear, renderer);
        }
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return chart(title, note, plot);
    }

    private static JFreeChart latencyBySize(JsonNode rows) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String system : PeersReport.IN_PROCESS_SYSTEMS) {
            for (String kind : PeersReport.KINDS) {
                XYSeries series = new XYSeries(NAMES.get(system) + ", " + kind);
                for (JsonNode r : rows) {
                    if (r.path("system").asString().equals(system) && r.path("kind").asString().equals(kind)) {
                        series.add(r.path("users").asDouble(), r.path("ns_per_check").asDouble());
                    }
                }
                if (series.getItemCount() > 0) {
                    data.addSeries(series);
                }
            }
        }
        LogAxis users = decades(new LogAxis("users in the dataset (100 per tenant)"));
        LogAxis latency = decades(new LogAxis("nanoseconds per check (log scale)"));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        List<String> order = PeersReport.IN_PROCESS_SYSTEMS;
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String name = (String) data.getSeriesKey(i);
            int system = 0;
            for (int s = 0; s < order.size(); s++) {
                if (name.startsWith(NAMES.get(order.get(s)))) {
                    system = s;
                }
            }
            renderer.setSeriesPaint(i, COLORS[system]);
            renderer.setSeriesStroke(i, name.endsWith("room")
                    ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, users, latency, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        return chart("In-process check latency against dataset size (lower is better)",
                "JMH average time, median of iterations; solid: company checks, dashed: room checks", plot);
    }

    /** Ticks at the powers of ten only, written out in full. */
    private static LogAxis decades(LogAxis axis) {
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        return axis;
    }

    private static JFreeChart chart(String title, String note, org.jfree.chart.plot.Plot plot) {
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.addSubtitle(new TextTitle(note, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(new File(file.toString()), chart, WIDTH, HEIGHT);
    }
}
