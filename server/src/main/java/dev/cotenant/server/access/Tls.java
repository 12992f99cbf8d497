package dev.cotenant.server.access;

import dev.cotenant.ir.ModelException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The server's TLS identity, from PEM files as a certificate authority or {@code openssl} writes
 * them ({@code --tls-cert}: the certificate, then any intermediates; {@code --tls-key}: its
 * unencrypted private key, PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}). Both fronts
 * serve it: REST as HTTPS, gRPC over TLS. Checked at start: the files parse, the key belongs to the
 * certificate, and the certificate is valid now, so a mistake is one line at start rather than
 * handshake failures on every client.
 */
public final class Tls {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final char[] password;
    private final KeyStore store;

    private Tls(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
        byte[] pw = new byte[18];
        new SecureRandom().nextBytes(pw);
        this.password = Base64.getEncoder().encodeToString(pw).toCharArray();
        try {
            this.store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain);
        } catch (GeneralSecurityException | IOException e) {
            throw new ModelException("cannot hold the TLS key: " + e.getMessage(), e);
        }
    }

    /** Reads and checks the certificate chain in {@code certFile} and the private key in {@code keyFile}. */
    public static Tls read(Path certFile, Path keyFile) {
        X509Certificate[] chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            throw new ModelException("--tls-cert " + certFile + ": the certificate is not valid now (valid from " + leaf.getNotBefore()
                    + " to " + leaf.getNotAfter() + ")");
        }
        if (!matches(leaf, key)) {
            throw new ModelException("--tls-key " + keyFile + " is not the private key of the certificate in --tls-cert " + certFile);
        }
        return new Tls(chain, key);
    }

    /** The certificate served first (the server's own). */
    public X509Certificate certificate() {
        return chain[0];
    }

    /** The identity as key managers, for the gRPC front and anything built on JSSE. */
    public KeyManager[] keyManagers() {
        try {
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, password);
            return f.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new ModelException("cannot use the TLS key: " + e.getMessage(), e);
        }
    }

    /** The identity as a key store holding one entry, for Jetty. */
    public KeyStore keyStore() {
        return store;
    }

    /** The key store's password. */
    public String keyStorePassword() {
        return new String(password);
    }

    private static String read(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ModelException(option + " " + file + ": cannot read: " + e.getMessage());
        }
    }

    private static X509Certificate[] certificates(Path file) {
        String text = read(file, "--tls-cert");
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new ModelException("--tls-cert " + file + ": not a PEM certificate: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new ModelException("--tls-cert " + file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return certs.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }

    private static PrivateKey privateKey(Path file) {
        Matcher m = PEM.matcher(read(file, "--tls-key"));
        while (m.find()) {
            String kind = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new ModelException("--tls-key " + file + ": the " + kind + " block is not base64");
            }
            switch (kind) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(rsaToPkcs8(der), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new ModelException("--tls-key " + file
                        + ": the key is encrypted; give it unencrypted (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
                case "EC PRIVATE KEY" -> throw new ModelException("--tls-key " + file
                        + ": an EC key in SEC1 form; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
                default -> {
                    // a certificate or parameters block beside the key: skip it
                }
            }
        }
        throw new ModelException("--tls-key " + file + " holds no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        throw new ModelException("--tls-key " + file + ": not an RSA, EC or EdDSA private key");
    }

    /** A PKCS#1 RSA key wrapped as PKCS#8: SEQUENCE { 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING { key } }. */
    private static byte[] rsaToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** Whether {@code key} signs what {@code cert}'s public key verifies. */
    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(nonce);
            byte[] signed = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(nonce);
            return v.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
