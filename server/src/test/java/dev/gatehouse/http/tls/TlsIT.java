package dev.gatehouse.http.tls;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.app.Config;
import dev.gatehouse.app.Gatehouse;
import dev.gatehouse.app.StartupException;
import dev.gatehouse.store.DatabaseSettings;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTPS listener: a generated self-signed certificate, kept across restarts, or a configured keystore. */
class TlsIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    Path temp;

    @Test
    void startWithTls_servesAGeneratedCertificate_thatClientsCanTrust_andKeepsItAcrossRestarts() throws Exception {
        try (TestNode node = TestNode.startWithTls()) {
            Path dir = node.dataDir().resolve("tls");
            assertThat(dir.resolve(TlsKeys.KEYSTORE_FILE)).isRegularFile();
            assertThat(Files.getPosixFilePermissions(dir.resolve(TlsKeys.PASSWORD_FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            // the certificate is public, for clients to trust (readable by other users once the directory is)
            assertThat(Files.getPosixFilePermissions(dir.resolve(TlsKeys.CERTIFICATE_FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(TlsKeys.CERTIFICATE_FILE))));

            HttpResponse<String> res = get(trusting(cert), node.httpsBaseUrl() + "/healthz");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.sslSession()).get().satisfies(s -> assertThat(s.getPeerCertificates()[0]).isEqualTo(cert));
            assertThat(node.service().get("/healthz").status()).isEqualTo(200);
            assertThat(node.node().tlsPort()).isNotEqualTo(node.node().port());
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), node.httpsBaseUrl() + "/healthz"))
                    .hasCauseInstanceOf(SSLHandshakeException.class);

            node.restart();
            HttpResponse<String> again = get(trusting(cert), node.httpsBaseUrl() + "/healthz");
            assertThat(again.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(cert);
        }
    }

    /**
     * Plain HTTP sent to the HTTPS port is told so in words (400 https_required, then the connection closed), where TLS
     * alone answered with an alert; HTTPS on the same port goes on working. The answer carries
     * {@code X-Content-Type-Options: nosniff}, as every answer does (it once lacked it).
     */
    @Test
    void plainHttpToTheHttpsPort_isA400InWords_andClosed() throws Exception {
        try (TestNode node = TestNode.startWithTls(); Socket socket = new Socket("127.0.0.1", node.node().tlsPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // to EOF

            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Connection: close", "\"code\":\"https_required\"",
                    "application/problem+json", "\r\nX-Content-Type-Options: nosniff\r\n");
            Path dir = node.dataDir().resolve("tls");
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Files.readAllBytes(dir.resolve(TlsKeys.CERTIFICATE_FILE))));
            assertThat(get(trusting(cert), node.httpsBaseUrl() + "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aConfiguredKeystore_isServedInsteadOfAGeneratedOne() throws Exception {
        Path dir = Files.createTempDirectory(temp, "gatehouse-tls");
        SelfSignedCertificate.Generated own = SelfSignedCertificate.generate("Operator's own", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(10), Instant.now());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mine", own.keyPair().getPrivate(), "s3cret".toCharArray(), new Certificate[] {own.certificate()});
        Path file = dir.resolve("own.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "s3cret".toCharArray());
        }
        Path data = Files.createTempDirectory(temp, "gatehouse-node");
        try (Gatehouse node = Gatehouse.start(config(data, file, "s3cret"))) {
            HttpResponse<String> res = get(trusting(own.certificate()), "https://127.0.0.1:" + node.tlsPort() + "/healthz");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(data.resolve("tls")).doesNotExist();
        }
        Path other = Files.createTempDirectory(temp, "gatehouse-node");
        assertThatThrownBy(() -> Gatehouse.start(config(other, file, "wrong")))
                .isInstanceOf(StartupException.class).hasMessageContaining("wrong password");
    }

    @Test
    void aKeyWhosePasswordIsNotTheKeystores_stopsTheStartInOneLine_beforeTheDatabase() throws Exception {
        SelfSignedCertificate.Generated own = SelfSignedCertificate.generate("Operator's own", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(10), Instant.now());
        KeyStore store = KeyStore.getInstance("JKS");
        store.load(null, null);
        store.setKeyEntry("mine", own.keyPair().getPrivate(), "key-password".toCharArray(),
                new Certificate[] {own.certificate()});
        Path file = Files.createTempDirectory(temp, "gatehouse-tls").resolve("own.jks");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "store-password".toCharArray());
        }
        Config unreachableDatabase = config(Files.createTempDirectory(temp, "gatehouse-node"), file, "store-password")
                .withDatabase(new DatabaseSettings("postgresql://127.0.0.1:1/gatehouse", TestDatabase.USER, "none", 4,
                        false));

        assertThatThrownBy(() -> Gatehouse.start(unreachableDatabase))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("--tls-keystore: " + file + ": its key \"mine\" cannot be read with the "
                        + "keystore password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anExpiredConfiguredCertificate_isServed_withAWarningNamingItsValidity() throws Exception {
        Instant issued = Instant.now().minus(Duration.ofDays(30));
        SelfSignedCertificate.Generated old = SelfSignedCertificate.generate("Operator's old", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(10), issued);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("old", old.keyPair().getPrivate(), "s3cret".toCharArray(), new Certificate[] {old.certificate()});
        Path file = Files.createTempDirectory(temp, "gatehouse-tls").resolve("old.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "s3cret".toCharArray());
        }
        List<String> warnings = new CopyOnWriteArrayList<>();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger tlsLog = (Logger) LoggerFactory.getLogger(TlsKeys.class);
        log.start();
        tlsLog.addAppender(log);
        try (Gatehouse node = Gatehouse.start(config(Files.createTempDirectory(temp, "gatehouse-node"), file, "s3cret"))) {
            assertThat(node.tlsPort()).isPositive();
            log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .forEach(warnings::add);
        } finally {
            tlsLog.detachAppender(log);
        }
        assertThat(warnings).singleElement().asString().contains(file.toString(), "not valid now",
                old.certificate().getNotBefore().toInstant().toString(),
                old.certificate().getNotAfter().toInstant().toString());
    }

    private static Config config(Path data, Path keystore, String password) {
        return Config.defaults("127.0.0.1", 0, data).withServiceKey(TestNode.SERVICE_KEY)
                .withDatabase(new DatabaseSettings(TestDatabase.freshDatabaseUrl(), TestDatabase.USER,
                        TestDatabase.password(), 4, false))
                .withTls(TlsSettings.on(0).withKeystore(keystore, password));
    }

    /** A client that trusts exactly this certificate and verifies host names as usual. */
    private static HttpClient trusting(X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gatehouse", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
