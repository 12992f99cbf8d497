package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.access.Tls;
import dev.cotenant.server.access.Tokens;
import dev.cotenant.server.load.LoadGenerator;
import dev.cotenant.server.wire.GRPCInferenceServiceGrpc;
import dev.cotenant.server.wire.ModelMetadataRequest;
import dev.cotenant.server.wire.RepositoryIndexRequest;
import dev.cotenant.server.wire.RepositoryModelLoadRequest;
import dev.cotenant.server.wire.RepositoryModelUnloadRequest;
import dev.cotenant.server.wire.ServerLiveRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control on real servers: the repository API refused by default, bearer tokens with an
 * inference and a control scope over REST and gRPC, and TLS on both fronts with a self-signed
 * certificate made here (by the JDK's keytool) and real TLS clients that trust only it.
 */
class AccessTest {

    private static final String INFER = "infer-token-0123456789abcdef";
    private static final String CONTROL = "control-token-0123456789abcdef";

    private static Fixtures.Reply send(Server s, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(Fixtures.uri(s, path)).timeout(Duration.ofSeconds(30))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(
                        path.endsWith("/infer") ? Fixtures.tinyBody() : ""));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = Fixtures.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Fixtures.Reply(r.statusCode(), r.body(), null);
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(ManagedChannel c, String token) {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub s = GRPCInferenceServiceGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS);
        if (token == null) {
            return s;
        }
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static String code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode().name();
    }

    @Test
    void withoutModelControlLoadAndUnloadAreForbiddenOverBothProtocols(@TempDir Path repo) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        try (Server s = Server.start(Fixtures.options(repo))) {
            for (String action : new String[] {"load", "unload"}) {
                Fixtures.Reply r = send(s, "POST", "/v2/repository/models/tiny/" + action, null);
                assertEquals(403, r.status(), r.body());
                assertTrue(r.body().contains("--model-control explicit"), r.body());
            }
            assertEquals(200, send(s, "POST", "/v2/repository/index", null).status(), "the index is only read");
            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                assertEquals("PERMISSION_DENIED", code(() -> stub(c, null).repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("tiny").build())));
                assertEquals("PERMISSION_DENIED", code(() -> stub(c, null).repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("tiny").build())));
                assertEquals(1, stub(c, null).repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsCount());
            } finally {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(200, send(s, "POST", "/v2/models/tiny/infer", null).status(), "the model still serves");
        }
    }

    @Test
    void bearerTokensLetInByScopeAndProbesNeedNone(@TempDir Path repo, @TempDir Path dir) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# who may do what\ninfer " + INFER + "\n\ncontrol " + CONTROL + "\n");
        Access access = new Access(ModelControl.EXPLICIT, Tokens.read(file), null);
        try (Server s = Server.start(Fixtures.options(repo).withAccess(access))) {
            Fixtures.Reply none = send(s, "GET", "/v2/models/tiny", null);
            assertEquals(401, none.status(), none.body());
            assertTrue(none.body().contains("a bearer token is required"), none.body());
            assertEquals(401, send(s, "GET", "/v2/models/tiny", "wrong").status());
            assertEquals(401, send(s, "GET", "/metrics", null).status());
            assertEquals(200, send(s, "GET", "/v2/health/live", null).status(), "probes are open");
            assertEquals(200, send(s, "GET", "/v2/health/ready", null).status());
            assertEquals(200, send(s, "GET", "/v2/models/tiny", INFER).status());
            assertEquals(200, send(s, "POST", "/v2/models/tiny/infer", INFER).status());
            assertEquals(200, send(s, "GET", "/metrics", INFER).status());
            Fixtures.Reply page = send(s, "GET", "/dashboard", null);
            assertEquals(200, page.status(), "the dashboard's page holds no data and a browser cannot send a token to open it");
            assertTrue(page.body().contains("id=\"token\""), "the page can ask for a token");
            assertEquals(401, send(s, "GET", "/dashboard/state", null).status(), "the dashboard's data needs a token");
            assertEquals(200, send(s, "GET", "/dashboard/state", INFER).status());
            Fixtures.Reply scoped = send(s, "POST", "/v2/repository/models/tiny/load", INFER);
            assertEquals(403, scoped.status(), "an inference token may not load: " + scoped.body());
            assertEquals(200, send(s, "POST", "/v2/repository/models/tiny/load", CONTROL).status());
            assertEquals(200, send(s, "POST", "/v2/models/tiny/infer", CONTROL).status(), "a control token may infer too");

            ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                ModelMetadataRequest meta = ModelMetadataRequest.newBuilder().setName("tiny").build();
                assertEquals("UNAUTHENTICATED", code(() -> stub(c, null).modelMetadata(meta)));
                assertEquals("UNAUTHENTICATED", code(() -> stub(c, "wrong").modelMetadata(meta)));
                assertEquals("tiny", stub(c, INFER).modelMetadata(meta).getName());
                assertTrue(stub(c, null).serverLive(ServerLiveRequest.getDefaultInstance()).getLive(), "probes are open");
                HealthGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
                RepositoryModelLoadRequest load = RepositoryModelLoadRequest.newBuilder().setModelName("tiny").build();
                assertEquals("PERMISSION_DENIED", code(() -> stub(c, INFER).repositoryModelLoad(load)));
                stub(c, CONTROL).repositoryModelLoad(load);
            } finally {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        Files.writeString(file, "admin " + CONTROL + " extra\n");
        assertTrue(assertThrows(ModelException.class, () -> Tokens.read(file)).getMessage().contains(file + " line 1"));
        Files.writeString(file, "# nothing\n");
        assertTrue(assertThrows(ModelException.class, () -> Tokens.read(file)).getMessage().contains("holds no token"));
    }

    /** A self-signed certificate for 127.0.0.1 and localhost, made by keytool, written as PEM files: {cert, key}. */
    static Path[] selfSigned(Path dir, String name, String algorithm) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", algorithm, "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate(name);
        PrivateKey key = (PrivateKey) ks.getKey(name, "changeit".toCharArray());
        Function<byte[], String> b64 = b -> Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(b);
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, "-----BEGIN CERTIFICATE-----\n" + b64.apply(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + b64.apply(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {certFile, keyFile};
    }

    @Test
    void tlsOnBothFrontsWithASelfSignedCertificateAndRealTlsClients(@TempDir Path repo, @TempDir Path dir) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        Path[] pem = selfSigned(dir, "server", "EC");
        Tls tls = Tls.read(pem[0], pem[1]);
        try (Server s = Server.start(Fixtures.options(repo).withAccess(Access.DEFAULT.withTls(tls)))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", tls.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.httpPort() + "/v2/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode());
            HttpResponse<String> infer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.httpPort() + "/v2/models/tiny/infer"))
                    .POST(HttpRequest.BodyPublishers.ofString(Fixtures.tinyBody())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, infer.statusCode(), infer.body());
            assertTrue(infer.body().contains("\"model_name\":\"tiny\""), infer.body());
            assertThrows(java.io.IOException.class, () -> Fixtures.HTTP.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.httpPort()
                    + "/v2/health/live")).build(), HttpResponse.BodyHandlers.discarding()), "a client that does not trust the certificate fails");

            ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", s.grpcPort(),
                    TlsChannelCredentials.newBuilder().trustManager(pem[0].toFile()).build()).build();
            try {
                assertEquals("tiny", stub(c, null).modelMetadata(ModelMetadataRequest.newBuilder().setName("tiny").build()).getName());
            } finally {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                assertEquals("UNAVAILABLE", code(() -> stub(plain, null).serverLive(ServerLiveRequest.getDefaultInstance())),
                        "plaintext gRPC is not served beside TLS");
            } finally {
                plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theLoadGeneratorSpeaksTlsOnBothProtocolsTrustingTheGivenCertificate(@TempDir Path repo, @TempDir Path dir) throws Exception {
        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        Path[] pem = selfSigned(dir, "server", "EC");
        try (Server s = Server.start(Fixtures.options(repo).withAccess(Access.DEFAULT.withTls(Tls.read(pem[0], pem[1]))))) {
            for (var p : LoadGenerator.Protocol.values()) {
                String url = p == LoadGenerator.Protocol.REST ? "https://127.0.0.1:" + s.httpPort() : "127.0.0.1:" + s.grpcPort();
                var options = new LoadGenerator.Options(url, p, List.of("tiny"), List.of(), 1, Duration.ofMillis(500), 1, 1, false, Map.of(),
                        null, pem[0]);
                try (LoadGenerator g = new LoadGenerator(options)) {
                    LoadGenerator.ModelReport r = g.run().getFirst();
                    assertTrue(r.ok() > 0 && r.errors() == 0, p + " over TLS: " + r);
                }
            }
            var plain = new LoadGenerator.Options("http://127.0.0.1:" + s.httpPort(), LoadGenerator.Protocol.REST, List.of("tiny"), List.of(), 1,
                    Duration.ofMillis(100), 1, 1, false, Map.of(), null, pem[0]);
            assertTrue(assertThrows(ModelException.class, () -> new LoadGenerator(plain)).getMessage().contains("https://HOST:PORT"));
            var noFile = new LoadGenerator.Options("https://127.0.0.1:" + s.httpPort(), LoadGenerator.Protocol.REST, List.of("tiny"), List.of(),
                    1, Duration.ofMillis(100), 1, 1, false, Map.of(), null, dir.resolve("none.crt"));
            assertTrue(assertThrows(ModelException.class, () -> new LoadGenerator(noFile)).getMessage().contains("--ca-cert " + dir.resolve("none.crt")));
        }
    }

    @Test
    void tlsFilesAreCheckedAtStartWithOneClearMessage(@TempDir Path dir) throws Exception {
        Path[] a = selfSigned(dir, "a", "RSA");
        Path[] b = selfSigned(dir, "b", "RSA");
        Tls.read(a[0], a[1]); // an RSA key in PKCS#8 reads too
        Path pkcs1 = dir.resolve("a-rsa.key"); // and as PKCS#1 ("RSA PRIVATE KEY", what older openssl writes)
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(innerKey(Files.readString(a[1])))
                + "\n-----END RSA PRIVATE KEY-----\n");
        Tls.read(a[0], pkcs1);
        assertTrue(assertThrows(ModelException.class, () -> Tls.read(a[0], b[1])).getMessage().contains("is not the private key of the certificate"));
        assertTrue(assertThrows(ModelException.class, () -> Tls.read(a[1], a[1])).getMessage().contains("--tls-cert"));
        Path enc = dir.resolve("enc.key");
        Files.writeString(enc, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertTrue(assertThrows(ModelException.class, () -> Tls.read(a[0], enc)).getMessage().contains("the key is encrypted"));
        assertTrue(assertThrows(ModelException.class, () -> Tls.read(dir.resolve("missing.crt"), a[1])).getMessage().contains("cannot read"));
    }

    /** The PKCS#1 key inside a PEM PKCS#8 RSA key: SEQUENCE { version, algorithm, OCTET STRING { key } }. */
    private static byte[] innerKey(String pem) {
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        int[] at = {0};
        header(der, at); // the outer SEQUENCE: into it
        for (int skip = 0; skip < 2; skip++) { // over the version INTEGER and the algorithm SEQUENCE
            int length = header(der, at);
            at[0] += length;
        }
        int n = header(der, at); // the OCTET STRING
        return java.util.Arrays.copyOfRange(der, at[0], at[0] + n);
    }

    /** Reads a DER tag and length at {@code at}, leaves {@code at} on the content, and returns its length. */
    private static int header(byte[] der, int[] at) {
        at[0]++;
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            n = n << 8 | der[at[0]++] & 0xff;
        }
        return n;
    }
}
