package dev.gatehouse.store;

import dev.gatehouse.error.GatehouseException;
import dev.gatehouse.error.UnavailableException;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** How database failures that mean "the database went away" reach the caller: a retryable 503, never a bug. */
class StoreFailuresTest {

    /**
     * Connection failures (class 08) and the server going away (57P01 shutdown — also a crash's "terminating
     * connection due to unexpected postmaster exit" — 57P02 crash, 57P03 cannot connect now).
     */
    @ParameterizedTest
    @ValueSource(strings = {"08000", "08003", "08006", "08001", "57P01", "57P02", "57P03"})
    void aLostDatabase_isARetryableDatabaseUnavailable(String state) {
        RuntimeException failure = Store.translate(new ConnectionException(new SQLException("gone", state)));
        assertThat(failure).isInstanceOf(UnavailableException.class);
        assertThat(((GatehouseException) failure).code()).isEqualTo("database_unavailable");
    }

    /**
     * A transaction the database ended because it sat idle too long ({@code idle_in_transaction_session_timeout},
     * which deployment.md advises, 25P03; {@code transaction_timeout}, 25P04) while the node was paused: a retryable
     * 503, where it was a 500.
     */
    @ParameterizedTest
    @ValueSource(strings = {"25P03", "25P04"})
    void aTransactionTheDatabaseEnded_isARetryableRetry(String state) {
        RuntimeException failure = Store.translate(new ConnectionException(new SQLException("terminating connection "
                + "due to idle-in-transaction timeout", state)));
        assertThat(failure).isInstanceOf(UnavailableException.class);
        assertThat(((GatehouseException) failure).code()).isEqualTo("retry");
    }
}
