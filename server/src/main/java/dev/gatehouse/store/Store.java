package dev.gatehouse.store;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.changelog.ChangeFeed;
import dev.gatehouse.changelog.ChangeLogStore;
import dev.gatehouse.changelog.ChangeRecord;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnavailableException;
import dev.gatehouse.limit.Limits;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Runs reads and write transactions. A write locks its organization's row (serializing the writes of one
 * organization, so rules such as "the last member able to manage roles" are checked against a stable
 * state), runs the work, appends its change records and commits — all or nothing. After commit the
 * records go to this node's {@link ChangeFeed}, so the write is visible to decisions before the caller
 * answers. Database constraint violations become typed {@link GatehouseException}s here.
 *
 * <p>A write has one time, read from the node's clock when its transaction starts ({@link Tx#now()}): the rows it
 * stamps and its change records carry the same instant.
 *
 * <p>Thread-safe.
 */
public final class Store {

    private final Jdbi jdbi;
    private final ChangeLogStore log;
    private final ChangeFeed feed;
    private final Limits limits;
    private final InstantSource clock;

    /**
     * A store whose writes enforce {@code limits} ({@link Tx#limits()}) and take their time from {@code clock}
     * ({@link Tx#now()}).
     */
    public Store(Jdbi jdbi, ChangeLogStore log, ChangeFeed feed, Limits limits, InstantSource clock) {
        this.jdbi = jdbi;
        this.log = log;
        this.feed = feed;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Runs {@code work} in one transaction.
     *
     * @param orgId the organization to lock, or null for deployment-level writes
     */
    public <T> Written<T> write(Actor actor, Long orgId, Function<Tx, T> work) {
        record Result<T>(T value, List<ChangeRecord> records) {
        }
        Result<T> result;
        try {
            result = jdbi.inTransaction(handle -> {
                if (orgId != null) {
                    boolean exists = handle.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR UPDATE")
                            .bind("id", orgId).mapTo(Integer.class).findOne().isPresent();
                    if (!exists) {
                        throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
                    }
                }
                Tx tx = new Tx(handle, actor, limits, SqlTime.micros(clock.instant()));
                T value = work.apply(tx);
                return new Result<>(value, log.append(handle, actor, tx.now(), tx.changes()));
            });
        } catch (JdbiException e) {
            throw translate(e);
        }
        feed.publish(result.records());
        long revision = result.records().isEmpty() ? feed.applied()
                : result.records().get(result.records().size() - 1).revision();
        return new Written<>(result.value(), revision);
    }

    public <T> T read(Function<Handle, T> query) {
        try {
            return jdbi.withHandle(query::apply);
        } catch (JdbiException e) {
            throw translate(e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Maps a database failure to the exception tree; unknown failures stay unchecked bugs. */
    static RuntimeException translate(JdbiException e) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            switch (state) {
                case "23505":
                    return new ConflictException("duplicate", "an object with the same unique value already exists");
                case "23503":
                    return new ConflictException("referenced", "the object is referenced by, or references, "
                            + "an object that does not exist or still exists");
                case "54000":
                    return new InvalidInputException("invalid_input", "a value is out of range or malformed");
                case "40001", "40P01", "55P03", "57014":
                    return new UnavailableException("retry", "a concurrent write interfered; retry the request");
                default:
                    // class 22, data exception: a value PostgreSQL cannot take (a NUL in text 22021, a date out of
                    // range 22008, malformed 22007 or 22P02, too long 22001, out of range 22003, …). The edge should
                    // have refused it already; this is the last line.
                    if (state.startsWith("22")) {
                        return new InvalidInputException("invalid_input", "a value is out of range or malformed");
                    }
                    if (state.startsWith("08")) {
                        return new UnavailableException("database_unavailable", "the database is unreachable");
                    }
            }
        }
        return e;
    }
}
