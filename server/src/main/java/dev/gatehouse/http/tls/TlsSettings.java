package dev.gatehouse.http.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HTTPS: off unless {@code port} is set; served with {@code keystore}, or with a self-signed certificate
 * generated into the data directory when no keystore is given. Validated here; the messages name the
 * command-line option. Immutable.
 *
 * @param port             also listen with HTTPS on this port; null for none (0 for a random port)
 * @param keystore         the PKCS12 (or JKS) keystore to serve; null for a generated certificate
 * @param keystorePassword the keystore's password
 */
public record TlsSettings(Integer port, Path keystore, String keystorePassword) {

    /** No HTTPS listener. */
    public static final TlsSettings OFF = new TlsSettings(null, null, null);

    public TlsSettings {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--tls-port must be 0..65535, got " + port);
        }
        if (keystore != null && keystore.toString().isBlank()) {
            keystore = null;
        }
        if (keystore != null && port == null) {
            throw new IllegalArgumentException("--tls-keystore needs --tls-port (HTTPS is off without it)");
        }
        if (keystore != null && !Files.isRegularFile(keystore)) {
            throw new IllegalArgumentException("--tls-keystore must be a keystore file, got " + keystore);
        }
        if (keystorePassword != null && keystore == null && !keystorePassword.isEmpty()) {
            throw new IllegalArgumentException("--tls-keystore-password needs --tls-keystore");
        }
    }

    /** HTTPS on {@code port} with a generated certificate. */
    public static TlsSettings on(int port) {
        return new TlsSettings(port, null, null);
    }

    /** These settings serving {@code keystore} instead of a generated certificate. */
    public TlsSettings withKeystore(Path keystore, String password) {
        return new TlsSettings(port, keystore, password);
    }

    @Override
    public String toString() {
        return "TlsSettings[port=" + port + ", keystore=" + keystore + "]";
    }
}
