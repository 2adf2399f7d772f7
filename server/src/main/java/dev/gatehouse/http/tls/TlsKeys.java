package dev.gatehouse.http.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and certificate the HTTPS listener serves: a configured PKCS12 (or JKS) keystore, or a self-signed
 * one generated on first start into {@code <data dir>/tls/} and reused afterwards (and regenerated once it
 * has expired). Next to the generated keystore lie its password ({@code gatehouse.p12.password}, owner-only)
 * and the certificate in PEM ({@code gatehouse.crt}) for clients that want to trust it. Immutable.
 *
 * @param source where the keystore was read from or written to
 */
public record TlsKeys(KeyStore keyStore, char[] password, X509Certificate certificate, Path source, boolean generated) {

    private static final Logger LOG = LoggerFactory.getLogger(TlsKeys.class);
    public static final String KEYSTORE_FILE = "gatehouse.p12";
    public static final String PASSWORD_FILE = "gatehouse.p12.password";
    public static final String CERTIFICATE_FILE = "gatehouse.crt";
    private static final String ALIAS = "gatehouse";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    public TlsKeys {
        password = password.clone();
    }

    /** A copy of the keystore password. */
    @Override
    public char[] password() {
        return password.clone();
    }

    /**
     * A keystore configured by the operator; the first key entry is served, read with the keystore's password (the
     * server has no other). A certificate not valid at {@code now} (expired, not yet valid) is served all the same —
     * the operator may rely on it — with a WARN naming its validity.
     */
    public static TlsKeys configured(Path file, String password, Instant now) {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        KeyStore store = read(file, pw, "--tls-keystore");
        String alias = firstKeyAlias(store, file);
        requireKeyReadable(store, alias, pw, file);
        X509Certificate certificate = certificate(store, alias, file);
        Instant from = certificate.getNotBefore().toInstant();
        Instant until = certificate.getNotAfter().toInstant();
        if (now.isBefore(from) || now.isAfter(until)) {
            LOG.warn("the certificate in --tls-keystore {} is not valid now: valid from {} until {}; serving it anyway",
                    file, from, until);
        }
        return new TlsKeys(store, pw, certificate, file, false);
    }

    /** The key of {@code alias} can be read with the keystore's password, as the HTTPS listener will read it. */
    private static void requireKeyReadable(KeyStore store, String alias, char[] password, Path file) {
        try {
            store.getKey(alias, password);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-keystore: " + file + ": its key \"" + alias + "\" cannot be "
                    + "read with the keystore password (" + e.getMessage() + "); the server reads its key with the "
                    + "keystore's own password, so give the key that password", e);
        }
    }

    /** The self-signed keystore under {@code <dataDir>/tls}, generated when missing or expired by {@code clock}. */
    public static TlsKeys selfSigned(Path dataDir, String host, InstantSource clock) {
        Path dir = dataDir.resolve("tls");
        Path file = dir.resolve(KEYSTORE_FILE);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        if (Files.isRegularFile(file) && Files.isRegularFile(passwordFile)) {
            char[] pw = readString(passwordFile).strip().toCharArray();
            KeyStore store = read(file, pw, "the generated keystore");
            X509Certificate certificate = firstKeyCertificate(store, file);
            try {
                certificate.checkValidity(Date.from(clock.instant()));
                return new TlsKeys(store, pw, certificate, file, false);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                LOG.warn("the self-signed certificate in {} is no longer valid ({}); generating a new one", file,
                        e.getMessage());
            }
        }
        return generate(dir, host, clock.instant());
    }

    private static TlsKeys generate(Path dir, String host, Instant now) {
        List<String> dns = new ArrayList<>(List.of("localhost"));
        List<String> ips = new ArrayList<>(List.of("127.0.0.1", "::1"));
        if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("::")) {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                if (!ips.contains(host)) {
                    ips.add(host);
                }
            } else if (!dns.contains(host)) {
                dns.add(host);
            }
        }
        SelfSignedCertificate.Generated generated = SelfSignedCertificate.generate("Gatehouse self-signed", dns, ips,
                VALIDITY, now);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        char[] pw = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, generated.keyPair().getPrivate(), pw, new Certificate[] {generated.certificate()});
            Files.createDirectories(dir);
            Path file = dir.resolve(KEYSTORE_FILE);
            writeAtomically(dir.resolve(PASSWORD_FILE), (new String(pw) + "\n").getBytes(StandardCharsets.UTF_8), true);
            Path tmp = Files.createTempFile(dir, KEYSTORE_FILE, ".tmp");
            ownerOnly(tmp);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, pw);
            }
            move(tmp, file);
            writeAtomically(dir.resolve(CERTIFICATE_FILE), pem(generated.certificate()), false);
            LOG.info("generated a self-signed TLS certificate into {} (valid until {})", file,
                    generated.certificate().getNotAfter().toInstant());
            return new TlsKeys(store, pw, generated.certificate(), file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TLS keystore under " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS keystore: " + e.getMessage(), e);
        }
    }

    /** The certificate in PEM. */
    public static byte[] pem(X509Certificate certificate) {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n")
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a keystore of any type the JDK detects (PKCS12, JKS). */
    private static KeyStore read(Path file, char[] password, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + ": no keystore file at " + file);
        }
        try {
            return KeyStore.getInstance(file.toFile(), password);
        } catch (IOException e) {
            String reason = e.getCause() instanceof java.security.UnrecoverableKeyException
                    ? "wrong password" : e.getMessage();
            throw new IllegalArgumentException(what + ": cannot open " + file + ": " + reason, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": " + file + " is not a keystore the JDK can read ("
                    + e.getMessage() + ")", e);
        }
    }

    private static X509Certificate firstKeyCertificate(KeyStore store, Path file) {
        return certificate(store, firstKeyAlias(store, file), file);
    }

    /** The alias of the first key entry with an X.509 certificate. */
    private static String firstKeyAlias(KeyStore store, Path file) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate) {
                    return alias;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the keystore " + file + " has no private key with an X.509 certificate");
    }

    private static X509Certificate certificate(KeyStore store, String alias, Path file) {
        try {
            return (X509Certificate) store.getCertificate(alias);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, byte[] content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        setMode(tmp, secret ? "rw-------" : "rw-r--r--"); // a temporary file is the owner's alone until told

        Files.write(tmp, content);
        move(tmp, file);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        setMode(file, "rw-------");
    }

    private static void setMode(Path file, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own protection applies
        }
    }
}
