package dev.cotenant.server.load;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates a load generator trusts when it speaks TLS: those of one PEM file
 * ({@code --ca-cert}, a server's own self-signed certificate or the authority that signed it), and
 * nothing else, so a test against a private server needs no change to the JDK's trust store.
 */
final class Trust {

    private Trust() {}

    /** A TLS context that trusts exactly the certificates in {@code pem}. */
    static SSLContext of(Path pem) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new ModelException("--ca-cert " + pem + ": cannot read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ModelException("--ca-cert " + pem + ": not a PEM certificate: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw new ModelException("--ca-cert " + pem + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK's TLS cannot trust " + pem, e);
        }
    }
}
