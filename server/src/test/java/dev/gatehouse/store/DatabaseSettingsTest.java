package dev.gatehouse.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {

    @Test
    void defaults_areTheEmbeddedDatabase_eightConnections_durable() {
        assertThat(DatabaseSettings.EMBEDDED).isEqualTo(new DatabaseSettings(null, null, null, 8, true));
        assertThat(DatabaseSettings.EMBEDDED.embedded()).isTrue();
        assertThat(DatabaseSettings.EMBEDDED.external("  ", null, null).embedded()).isTrue();
        assertThat(DatabaseSettings.EMBEDDED.external("postgresql://u:p@db:5433/gh", null, null).embedded()).isFalse();
    }

    @Test
    void badDatabaseUrl_namesTheOption_withoutThePassword() {
        DatabaseSettings d = DatabaseSettings.EMBEDDED;
        assertThatThrownBy(() -> d.external("mysql://root:secret@db/x", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> d.external("jdbc:mysql://db/x?password=secret", null, null))
                .hasMessageContaining("--database-url").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> d.external("postgresql://u:secret@bad host/x", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> d.external("postgresql:///gh", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--database-url");
    }

    /**
     * A JDBC URL with {@code user:password@} before its host is refused, naming the forms that carry a password and
     * not showing it: the driver does not read it, took it for part of the host name and showed it in its error.
     */
    @Test
    void jdbcUrlWithUserAndPasswordBeforeTheHost_isRefused_withoutThePassword() {
        DatabaseSettings d = DatabaseSettings.EMBEDDED;
        assertThatThrownBy(() -> d.external("jdbc:postgresql://gatehouse:Sup3rS3cret@127.0.0.1:24797/gatehouse",
                null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--database-url must not carry user:password@ in a jdbc: URL, which the driver does not "
                        + "read: give postgresql://user:password@host/db or jdbc:postgresql://host/db?user=…&password=…, "
                        + "got jdbc:postgresql://***@127.0.0.1:24797/gatehouse");
        assertThatThrownBy(() -> d.external("jdbc:postgresql://u:pa/ss@w0rd@db/gh?sslmode=require", null, null))
                .hasMessageContaining("must not carry user:password@").hasMessageNotContaining("pa/ss")
                .hasMessageNotContaining("w0rd").hasMessageEndingWith("got jdbc:postgresql://***@db/gh?sslmode=require");
        assertThat(d.external("jdbc:postgresql://db/gh?user=u@tenant&password=p", null, null).url())
                .isEqualTo("jdbc:postgresql://db/gh?user=u@tenant&password=p");
    }

    @Test
    void redact_hidesThePasswordParameter_inAnyCase() {
        assertThat(DatabaseSettings.redact("jdbc:postgresql://127.0.0.1:24797/x?PASSWORD=secretpw&user=u"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:24797/x?PASSWORD=***&user=u");
        assertThat(DatabaseSettings.redact("jdbc:postgresql://db/x?user=u&Password=secretpw&sslpassword=keypw"))
                .isEqualTo("jdbc:postgresql://db/x?user=u&Password=***&sslpassword=***");
        assertThat(DatabaseSettings.redact("postgresql://u:secret@db/x")).isEqualTo("postgresql://***@db/x");
    }

    /** A driver's message is shown without any password of the settings, as written or decoded. */
    @Test
    void redactPasswords_hidesEveryPasswordOfTheSettings_inADriversMessage() {
        DatabaseSettings userInfo = DatabaseSettings.EMBEDDED.external("postgresql://u:se%2Fcret@db/gh", null, null);
        assertThat(userInfo.redactPasswords("unknown host u:se/cret@db, u:se%2Fcret@db"))
                .isEqualTo("unknown host u:***@db, u:***@db");
        DatabaseSettings parameter = DatabaseSettings.EMBEDDED.external("jdbc:postgresql://db/gh?PassWord=secretpw",
                "u", "option-pw");
        assertThat(parameter.redactPasswords("secretpw and option-pw")).isEqualTo("*** and ***");
        assertThat(DatabaseSettings.EMBEDDED.redactPasswords("Connection refused")).isEqualTo("Connection refused");
    }

    @Test
    void poolSize_outOfRange_namesTheOption() {
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withPoolSize(0)).hasMessageContaining("--pool-size must be 2..200");
        // one connection could never start a node: the migration holds two
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withPoolSize(1)).hasMessageContaining("--pool-size must be 2..200");
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withPoolSize(201)).hasMessageContaining("--pool-size");
    }

    @Test
    void writeLanes_followThePoolSize_unlessSet() {
        assertThat(DatabaseSettings.EMBEDDED.writeLanes()).isNull();
        assertThat(DatabaseSettings.EMBEDDED.lanes()).isEqualTo(4);
        assertThat(DatabaseSettings.EMBEDDED.withPoolSize(2).lanes()).isEqualTo(1);
        assertThat(DatabaseSettings.EMBEDDED.withPoolSize(5).lanes()).isEqualTo(2);
        assertThat(DatabaseSettings.EMBEDDED.withPoolSize(50).lanes()).isEqualTo(4);
        assertThat(DatabaseSettings.EMBEDDED.withWriteLanes(0).lanes()).isZero();
        assertThat(DatabaseSettings.EMBEDDED.withWriteLanes(8).lanes()).isEqualTo(8);
        assertThat(DatabaseSettings.EMBEDDED.withWriteLanes(3).withPoolSize(20).lanes()).isEqualTo(3);
    }

    @Test
    void writeLanes_outOfRange_nameTheOption() {
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withWriteLanes(-1))
                .hasMessageContaining("--write-lanes must be 0..--pool-size (8), got -1");
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withWriteLanes(9)).hasMessageContaining("--write-lanes");
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withWriteLanes(4).withPoolSize(2))
                .hasMessageContaining("--write-lanes");
    }

    @Test
    void embeddedPort_isAFreeOneByDefault_andRefusedOutOfRangeOrWithAnExternalDatabase() {
        assertThat(DatabaseSettings.EMBEDDED.embeddedPort()).isNull();
        assertThat(DatabaseSettings.EMBEDDED.withEmbeddedPort(1).embeddedPort()).isEqualTo(1);
        assertThat(DatabaseSettings.EMBEDDED.withEmbeddedPort(65535).withPoolSize(4).embeddedPort()).isEqualTo(65535);
        assertThat(DatabaseSettings.EMBEDDED.withEmbeddedPort(5432).external(" ", null, null).embeddedPort())
                .isEqualTo(5432);
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withEmbeddedPort(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--embedded-database-port must be 1..65535, got 0");
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withEmbeddedPort(65536))
                .hasMessage("--embedded-database-port must be 1..65535, got 65536");
        assertThatThrownBy(() -> DatabaseSettings.EMBEDDED.withEmbeddedPort(5432)
                .external("postgresql://u:secret@db/gh", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--embedded-database-port is the port of the embedded database, which --database-url "
                        + "replaces: give one or the other");
    }

    @Test
    void libpqUrls_becomeJdbcUrls() {
        assertThat(DatabaseSettings.jdbcUrl("postgresql://u:p@db:5433/gh?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5433/gh?sslmode=require&user=u&password=p");
        assertThat(DatabaseSettings.jdbcUrl("postgres://db")).isEqualTo("jdbc:postgresql://db/postgres");
        assertThat(DatabaseSettings.jdbcUrl("jdbc:postgresql://db/x")).isEqualTo("jdbc:postgresql://db/x");
    }

    @Test
    void toString_neverShowsThePassword() {
        assertThat(DatabaseSettings.EMBEDDED.external("postgresql://u:secret@db/gh", "u", "other-secret").toString())
                .doesNotContain("secret");
    }
}
