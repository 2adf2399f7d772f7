package dev.gatehouse.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL a node ran for the requests made while an action ran, each statement with its whitespace folded to single
 * spaces: what a request costs the database, for tests that pin it. A node's background jobs (the change tailer,
 * webhook scheduling, the expiry of time-bound assignments, …: threads named {@code gatehouse-…}) are left out;
 * its write lanes ({@code gatehouse-write-N}) and import writers ({@code gatehouse-import-…}) run requests.
 */
public final class Statements {

    private Statements() {
    }

    public static List<String> of(TestNode node, Runnable action) {
        SqlStatements config = node.node().core().store().jdbi().getConfig(SqlStatements.class);
        List<String> seen = new CopyOnWriteArrayList<>();
        SqlLogger before = config.getSqlLogger();
        config.setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                if (!background(Thread.currentThread().getName())) {
                    seen.add(context.getRenderedSql().replaceAll("\\s+", " "));
                }
            }
        });
        try {
            action.run();
        } finally {
            config.setSqlLogger(before);
        }
        return seen;
    }

    private static boolean background(String thread) {
        return thread.startsWith("gatehouse-") && !thread.startsWith("gatehouse-write-")
                && !thread.startsWith("gatehouse-import-");
    }
}
