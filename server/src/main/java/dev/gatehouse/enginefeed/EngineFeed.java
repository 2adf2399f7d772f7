package dev.gatehouse.enginefeed;

import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeListener;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * This node's decision engine and the one path into it. The engine's writer stays here: state enters only as
 * {@link EngineLoader} loads it from the tables ({@link #load}, and {@link #reload} when the node is out of sync)
 * and as this listener applies each committed change that {@link ChangeFeed} delivers, decoded by
 * {@link ChangeDecoder} — local and remote writes alike. Everyone else gets {@link #engine()}, the read side,
 * behind {@link EngineEdge}.
 *
 * <p><b>One commit, one change of the engine.</b> The records of one commit ({@link #onCommit}) are decoded first and
 * applied in one {@link EngineWriter#apply(long, List)} at the commit's last revision: the engine's sequence lock
 * then shows readers the state before the commit or after it, never one inside it (a member removed without its
 * assignments yet, an import chunk's deletion without its new assignment), and never under a revision of its own.
 *
 * <p>Thread rules: {@link #onChange} runs on the feed's applying thread, {@link #reload} under the feed's lock;
 * the writer serializes them anyway. A record this node cannot decode or apply throws, so the feed counts it as
 * not applied and reloads.
 */
public final class EngineFeed implements ChangeListener {

    private final Function<String, Catalog> catalogs;
    private final EngineWriter writer;
    private final DecisionEngine engine;

    /** @param catalogs the engine's catalog of a model id, null when unknown (e.g. {@code ModelRegistry::catalog}) */
    public EngineFeed(Function<String, Catalog> catalogs) {
        this.catalogs = catalogs;
        this.writer = EngineWriter.create(catalogs);
        this.engine = new EngineEdge(writer.engine());
    }

    /** The engine, for reading: its errors are the server's ({@link EngineEdge}). */
    public DecisionEngine engine() {
        return engine;
    }

    /** Fills the (empty) engine from the tables; returns the revision it is now at. */
    public long load(Jdbi jdbi) {
        return EngineLoader.load(jdbi, writer);
    }

    /**
     * Loads the whole state anew from the tables into a fresh engine and swaps it in at once (readers see the old
     * state or the new one); returns the revision it is at. The running engine is untouched if loading fails.
     */
    public long reload(Jdbi jdbi) {
        EngineWriter fresh = EngineWriter.create(catalogs);
        long revision = EngineLoader.load(jdbi, fresh);
        writer.replaceWith(fresh);
        return revision;
    }

    @Override
    public void onChange(ChangeRecord record) {
        onCommit(List.of(record));
    }

    @Override
    public void onCommit(List<ChangeRecord> records) {
        long held = writer.revision();
        long last = records.get(records.size() - 1).revision();
        if (last <= held) {
            return;
        }
        List<EngineOp> ops = new ArrayList<>();
        for (ChangeRecord record : records) {
            if (record.revision() > held) {
                ops.addAll(ChangeDecoder.decode(record));
            }
        }
        writer.apply(last, ops);
    }
}
