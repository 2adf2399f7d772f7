package dev.gatehouse.http.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a self-signed X.509 v3 server certificate with the JDK alone: an RSA 2048 key pair, the certificate
 * encoded in DER by {@link Der} and signed with SHA256withRSA through {@link Signature}, then parsed back by
 * the JDK's {@link CertificateFactory} (which checks the encoding). The JDK has no public API to build
 * certificates; this avoids both a 7 MB BouncyCastle dependency and needing {@code keytool} at run time.
 *
 * <p>The certificate names {@code CN=<commonName>} as subject and issuer and carries a subjectAltName with the
 * given DNS names and IP addresses, so clients that verify host names accept it once they trust it.
 */
final class SelfSignedCertificate {

    /** A generated key pair and its certificate. */
    public record Generated(KeyPair keyPair, X509Certificate certificate) {
    }

    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private SelfSignedCertificate() {
    }

    /** A certificate valid from a few minutes before {@code now} for {@code validity}. */
    public static Generated generate(String commonName, List<String> dnsNames, List<String> ipAddresses,
                                     Duration validity, Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            byte[] algorithm = Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nul());
            byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
            ZonedDateTime from = now.atZone(ZoneOffset.UTC);
            byte[] tbs = Der.sequence(
                    Der.explicit(0, Der.integer(2)),
                    Der.integer(new BigInteger(127, new SecureRandom()).add(BigInteger.ONE)),
                    algorithm,
                    name,
                    Der.sequence(Der.time(from.minusMinutes(5)), Der.time(from.plus(validity))),
                    name,
                    keys.getPublic().getEncoded(),
                    Der.explicit(3, Der.sequence(
                            extension(EXTENDED_KEY_USAGE, Der.sequence(Der.oid(SERVER_AUTH))),
                            extension(SUBJECT_ALT_NAME, subjectAltNames(dnsNames, ipAddresses)))));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] certificate = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            parsed.verify(keys.getPublic());
            return new Generated(keys, parsed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** A non-critical extension. */
    private static byte[] extension(String oid, byte[] value) {
        return Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** GeneralNames: dNSName is {@code [2] IA5String}, iPAddress {@code [7] OCTET STRING}, both IMPLICIT. */
    private static byte[] subjectAltNames(List<String> dnsNames, List<String> ipAddresses) {
        List<byte[]> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(Der.implicit(2, dns.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        for (String ip : ipAddresses) {
            try {
                names.add(Der.implicit(7, InetAddress.getByName(ip).getAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + ip, e);
            }
        }
        return Der.sequence(names.toArray(new byte[0][]));
    }
}
