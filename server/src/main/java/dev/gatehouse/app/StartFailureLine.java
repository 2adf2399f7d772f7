package dev.gatehouse.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps the web framework's own {@code Failed to start Javalin} (an ERROR of logger {@code io.javalin.Javalin}, which
 * goes to standard error) out of the log while the node's HTTP server starts. The failure itself is thrown on, and a
 * node that cannot listen says so in one line of its own ({@link PortProbe#refusal}); the framework's line names
 * neither the address nor the cause, and made that two lines. Only that line of that logger is kept out, only while
 * {@link #keptOut} runs; another failure to start is thrown on as it was. Without Logback nothing is kept out.
 * Thread-safe: each call adds a filter of its own and removes it.
 */
final class StartFailureLine {

    private static final String LOGGER = "io.javalin.Javalin";
    private static final String LINE = "Failed to start Javalin";

    private StartFailureLine() {
    }

    /** What {@code start} returns, with the framework's line kept out of the log meanwhile. */
    static <T> T keptOut(Supplier<T> start) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return start.get();
        }
        TurboFilter filter = new TurboFilter() {
            @Override
            public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                                      Throwable t) {
                return level == Level.ERROR && LINE.equals(format) && LOGGER.equals(logger.getName())
                        ? FilterReply.DENY : FilterReply.NEUTRAL;
            }
        };
        filter.start();
        context.addTurboFilter(filter);
        try {
            return start.get();
        } finally {
            context.getTurboFilterList().remove(filter);
        }
    }
}
