package dev.cotenant.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes and KServe manifests of {@code deploy/k8s}, checked against the real command line
 * and a real server ({@link ManifestChecks}): as written, and as kustomize renders every
 * kustomization, base, overlays and KServe's, when a kustomize is on the PATH.
 */
class ManifestsTest {

    static final Path ROOT = Manifests.root();

    private static LiveServer.Pair servers;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        servers = LiveServer.Pair.start(dir);
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    static List<String> problems(List<JsonNode> resources) {
        return servers.checks().check(resources);
    }

    static Stream<Path> kustomizations() {
        return Manifests.kustomizations(ROOT).stream();
    }

    /** Kind and name of each resource. */
    static Set<String> identities(List<JsonNode> resources) {
        Set<String> out = new TreeSet<>();
        resources.forEach(r -> out.add(ManifestChecks.where(r)));
        return out;
    }

    @Test
    void theServersAnswerAsTheChecksAssume() {
        assertEquals(200, servers.ready().get("/v2/health/ready"));
        assertEquals(200, servers.unready().get("/v2/health/live"));
        assertFalse(ManifestChecks.success(servers.unready().get("/v2/health/ready")), "a model that cannot load keeps the server unready");
        assertEquals("SERVING", servers.ready().grpcHealth(""));
        assertEquals("NOT_SERVING", servers.unready().grpcHealth(""));
    }

    @Test
    void everyYamlFileParses() {
        List<Path> files = Manifests.yamlFiles(ROOT);
        assertTrue(files.size() >= 10, files.toString());
        for (Path f : files) {
            List<JsonNode> docs = Manifests.documents(f);
            assertFalse(docs.isEmpty(), f + ": no document");
            for (JsonNode d : docs) {
                if (d.isArray()) {
                    // a JSON patch: operations, each with its op and path
                    d.forEach(op -> assertTrue(op.hasNonNull("op") && op.hasNonNull("path"), f + ": " + op));
                } else {
                    assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), f + ": no apiVersion or kind");
                    assertTrue(d.path("kind").asText().equals("Kustomization") || d.path("metadata").hasNonNull("name"), f + ": no metadata.name");
                }
            }
        }
    }

    @Test
    void everyKustomizationNamesFilesThatExistAndEveryFileIsNamedByOne() {
        List<Path> dirs = Manifests.kustomizations(ROOT);
        assertTrue(dirs.containsAll(List.of(ROOT.resolve("base"), ROOT.resolve("kserve"), ROOT.resolve("overlays/secure"))), dirs.toString());
        Set<Path> named = new HashSet<>();
        for (Path dir : dirs) {
            for (Path p : Manifests.named(dir)) {
                assertTrue(Files.isRegularFile(p) || Files.isRegularFile(p.resolve("kustomization.yaml")), dir + " names " + p + ", which is not there");
                if (Files.isRegularFile(p)) {
                    assertFalse(Manifests.documents(p).isEmpty(), p + ": empty");
                }
                named.add(p);
            }
        }
        // No manifest outside every kustomization, where neither kustomize nor the checks would see it.
        for (Path f : Manifests.yamlFiles(ROOT)) {
            assertTrue(f.getFileName().toString().equals("kustomization.yaml") || named.contains(f), f + " is named by no kustomization");
        }
    }

    @Test
    void theManifestsAsWrittenAreWhatServeServes() {
        List<JsonNode> resources = new ArrayList<>(Manifests.sources(ROOT.resolve("base")));
        resources.addAll(Manifests.sources(ROOT.resolve("kserve")));
        assertEquals(Set.of("Deployment cotenant", "Service cotenant", "PersistentVolumeClaim cotenant-models", "ServingRuntime cotenant",
                "InferenceService cotenant-example", "InferenceService cotenant-example-grpc"), identities(resources));
        assertEquals(List.of(), problems(resources));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void theRenderedOutputIsCheckedTheSameWay(Path dir) {
        List<JsonNode> rendered = render(dir);
        assertEquals(identities(Manifests.sources(dir)), identities(rendered), "what " + dir + " renders");
        assertEquals(List.of(), problems(rendered));
        String image = Manifests.image(dir, "cotenant").orElseThrow(() -> new AssertionError(dir + ": no images entry for cotenant"));
        List<String> images = rendered.stream().flatMap(r -> Stream.concat(r.path("spec").path("template").path("spec").path("containers").valueStream(),
                r.path("spec").path("containers").valueStream())).map(c -> c.path("image").asText()).toList();
        assertFalse(images.isEmpty(), dir + " renders no container");
        images.forEach(i -> assertEquals(image, i, dir + ": the image the kustomization sets"));
    }

    @Test
    void theSecureOverlayServesTokensAndTlsFromSecretsAndTheBaseDoesNot() {
        ServeInvocation base = serve(render(ROOT.resolve("base")));
        assertNull(base.tokenFile());
        assertFalse(base.tls());
        ServeInvocation secure = serve(render(ROOT.resolve("overlays/secure")));
        assertNotNull(secure.tokenFile());
        assertTrue(secure.tls());
        assertEquals(base.httpPort(), secure.httpPort());
        assertEquals(base.drain(), secure.drain());
    }

    private static ServeInvocation serve(List<JsonNode> resources) {
        JsonNode d = resources.stream().filter(r -> r.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        return ServeInvocation.of(d.path("spec").path("template").path("spec").path("containers").get(0));
    }

    /** What kustomize renders of {@code dir}; without one on the PATH, the test says so and is skipped. */
    static List<JsonNode> render(Path dir) {
        Optional<List<String>> renderer = Manifests.renderer();
        if (renderer.isEmpty()) {
            String why = "neither kustomize nor kubectl is on the PATH: " + ROOT.relativize(dir) + " is not rendered, only its files are checked";
            System.err.println("*** SKIPPED: " + why + " ***");
            Assumptions.abort(why);
        }
        System.err.println("rendering " + ROOT.relativize(dir) + " with " + String.join(" ", renderer.get()) + " (" + Manifests.version(renderer.get()) + ")");
        return Manifests.render(renderer.get(), dir);
    }
}
