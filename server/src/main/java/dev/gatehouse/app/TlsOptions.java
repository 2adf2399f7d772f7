package dev.gatehouse.app;

import dev.gatehouse.http.tls.TlsSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code serve} options of HTTPS ({@link TlsSettings}), each with its {@code GATEHOUSE_*} variable. */
final class TlsOptions {

    @Option(names = "--tls-port", defaultValue = "${env:GATEHOUSE_TLS_PORT}", description = "also listen with HTTPS on this port (GATEHOUSE_TLS_PORT)")
    Integer port;

    @Option(names = "--tls-keystore", defaultValue = "${env:GATEHOUSE_TLS_KEYSTORE}", description = "PKCS12 or JKS keystore for HTTPS; a self-signed certificate is generated into the data directory when unset (GATEHOUSE_TLS_KEYSTORE)")
    Path keystore;

    @Option(names = "--tls-keystore-password", defaultValue = "${env:GATEHOUSE_TLS_KEYSTORE_PASSWORD}", description = "password of --tls-keystore (GATEHOUSE_TLS_KEYSTORE_PASSWORD)")
    String keystorePassword;

    TlsSettings settings() {
        return new TlsSettings(port, keystore, keystorePassword);
    }
}
