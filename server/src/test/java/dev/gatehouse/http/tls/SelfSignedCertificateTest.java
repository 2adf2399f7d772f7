package dev.gatehouse.http.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SelfSignedCertificateTest {

    @Test
    void der_encodesWhatX690Says() {
        HexFormat hex = HexFormat.of();
        assertThat(hex.formatHex(Der.oid("1.2.840.113549.1.1.11"))).isEqualTo("06092a864886f70d01010b");
        assertThat(hex.formatHex(Der.oid("2.5.29.17"))).isEqualTo("0603551d11");
        assertThat(hex.formatHex(Der.integer(BigInteger.valueOf(128)))).isEqualTo("02020080");
        assertThat(hex.formatHex(Der.tlv(0x04, new byte[200])).substring(0, 6)).isEqualTo("0481c8");
        assertThat(hex.formatHex(Der.tlv(0x04, new byte[300])).substring(0, 8)).isEqualTo("0482012c");
        assertThat(new String(Der.time(ZonedDateTime.of(2036, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC))).substring(2))
                .isEqualTo("360102030405Z");
        assertThat(Der.time(ZonedDateTime.of(2051, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))[0]).isEqualTo((byte) 0x18);
    }

    @Test
    void generated_isAValidSelfSignedServerCertificateWithTheNamesAsked() throws Exception {
        SelfSignedCertificate.Generated g = SelfSignedCertificate.generate("Gatehouse test",
                List.of("localhost", "gatehouse.internal"), List.of("127.0.0.1", "::1"), Duration.ofDays(30),
                Instant.now());
        X509Certificate cert = g.certificate();
        cert.verify(g.keyPair().getPublic());
        cert.checkValidity();
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Gatehouse test");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofDays(29)),
                Instant.now().plus(Duration.ofDays(31)));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(0) + "=" + n.get(1)).containsExactly(
                "2=localhost", "2=gatehouse.internal", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
        assertThat(cert.getSerialNumber().signum()).isPositive();
    }

    @Test
    void pem_roundTrips() throws Exception {
        X509Certificate cert = SelfSignedCertificate.generate("pem", List.of("localhost"), List.of(),
                Duration.ofDays(1), Instant.now()).certificate();
        byte[] pem = TlsKeys.pem(cert);
        assertThat(new String(pem)).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        X509Certificate read = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem));
        assertThat(read).isEqualTo(cert);
    }
}
