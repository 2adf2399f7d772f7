package dev.gatehouse.http.tls;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsSettingsTest {

    @Test
    void off_byDefault_andAGeneratedCertificateWhenNoKeystoreIsGiven() {
        assertThat(TlsSettings.OFF).isEqualTo(new TlsSettings(null, null, null));
        assertThat(TlsSettings.on(8443).keystore()).isNull();
        assertThat(new TlsSettings(8443, Path.of(" "), null).keystore()).isNull();
    }

    @Test
    void badValues_nameTheirOption() {
        assertThatThrownBy(() -> TlsSettings.on(65536)).hasMessageContaining("--tls-port must be 0..65535");
        assertThatThrownBy(() -> TlsSettings.OFF.withKeystore(Path.of("pom.xml"), "x"))
                .hasMessageContaining("--tls-keystore needs --tls-port");
        assertThatThrownBy(() -> TlsSettings.on(8443).withKeystore(Path.of("no-such.p12"), "x"))
                .hasMessageContaining("--tls-keystore must be a keystore file");
        assertThatThrownBy(() -> new TlsSettings(null, null, "secret"))
                .hasMessageContaining("--tls-keystore-password needs --tls-keystore");
    }

    @Test
    void toString_neverShowsThePassword() {
        assertThat(new TlsSettings(8443, null, "").toString()).doesNotContain("keystorePassword");
    }
}
