package dev.cotenant.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks of {@link ManifestChecks} fail where they should: each case breaks one thing in a copy
 * of the manifests as written and expects the problem that names it; the manifests pass unbroken.
 */
class BrokenManifestsTest {

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

    /** A fresh copy of the base's and KServe's manifests, as written. */
    static List<JsonNode> manifests() {
        List<JsonNode> out = new ArrayList<>();
        Manifests.sources(ManifestsTest.ROOT.resolve("base")).forEach(r -> out.add(r.deepCopy()));
        Manifests.sources(ManifestsTest.ROOT.resolve("kserve")).forEach(r -> out.add(r.deepCopy()));
        return out;
    }

    static ObjectNode find(List<JsonNode> all, String kind, String name) {
        return (ObjectNode) all.stream().filter(r -> r.path("kind").asText().equals(kind) && r.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static ObjectNode container(List<JsonNode> all) {
        return (ObjectNode) find(all, "Deployment", "cotenant").at("/spec/template/spec/containers/0");
    }

    static ObjectNode runtimeContainer(List<JsonNode> all) {
        return (ObjectNode) find(all, "ServingRuntime", "cotenant").at("/spec/containers/0");
    }

    /** Replaces the argument that starts with {@code prefix} by {@code replacement}, or removes it when that is null. */
    static void arg(ObjectNode container, String prefix, String replacement) {
        ArrayNode args = (ArrayNode) container.get("args");
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).asText().startsWith(prefix)) {
                if (replacement == null) {
                    args.remove(i);
                } else {
                    args.set(i, replacement);
                }
                return;
            }
        }
        throw new AssertionError("no argument " + prefix + " in " + args);
    }

    static ObjectNode probe(List<JsonNode> all, String probe) {
        return (ObjectNode) container(all).at("/" + probe + "/httpGet");
    }

    static Arguments breaks(String what, Consumer<List<JsonNode>> breakage, String expected) {
        return Arguments.of(what, breakage, expected);
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                breaks("a readiness path the server lacks", a -> probe(a, "readinessProbe").put("path", "/v2/health/readiness"), "answers 404 on a ready server"),
                breaks("liveness asks readiness", a -> probe(a, "livenessProbe").put("path", "/v2/health/ready"), "would restart a pod that is loading"),
                breaks("readiness asks liveness", a -> probe(a, "readinessProbe").put("path", "/v2/health/live"), "traffic would reach a pod"),
                breaks("a probe on the gRPC port", a -> probe(a, "startupProbe").put("port", "grpc"), "startupProbe: port grpc is not --http-port 8000"),
                breaks("an HTTPS probe of a plain server", a -> probe(a, "readinessProbe").put("scheme", "HTTPS"), "scheme HTTPS, but serve speaks plain HTTP"),
                breaks("no startup probe", a -> container(a).remove("startupProbe"), "startupProbe: missing"),
                breaks("a TCP liveness probe", a -> container(a).putObject("livenessProbe").putObject("tcpSocket").put("port", 8000),
                        "livenessProbe: neither httpGet nor grpc"),
                breaks("an option serve lacks", a -> ((ArrayNode) container(a).get("args")).add("--http-prot=8000"), "Unknown option: '--http-prot=8000'"),
                breaks("a drain that is no time", a -> arg(container(a), "--drain-timeout", "--drain-timeout=soon"), "--drain-timeout 'soon': expected a time"),
                breaks("a drain past the grace period", a -> arg(container(a), "--drain-timeout", "--drain-timeout=45s"),
                        "terminationGracePeriodSeconds 30 is not longer than --drain-timeout 45.0 s"),
                breaks("serve's default host, loopback", a -> arg(container(a), "--host", null), "--host 127.0.0.1 does not take connections"),
                breaks("a free port picked at start", a -> arg(container(a), "--grpc-port", "--grpc-port=0"), "a manifest needs fixed ports"),
                breaks("a containerPort serve does not listen on", a -> ((ObjectNode) container(a).at("/ports/0")).put("containerPort", 8080),
                        "containerPort 8080 (http) is neither --http-port 8000 nor --grpc-port 8001"),
                breaks("a TLS key without its certificate", a -> ((ArrayNode) container(a).get("args")).add("--tls-key=/etc/tls/tls.key"), "--tls-key needs --tls-cert"),
                breaks("tokens from the model volume", a -> ((ArrayNode) container(a).get("args")).add("--auth-token-file=/models/tokens"),
                        "/models/tokens is not a file of a mounted Secret"),
                breaks("the repository on an emptyDir", a -> arg(container(a), "--repo", "--repo=/tmp/models"), "is on an emptyDir"),
                breaks("more cores than CPU", a -> arg(container(a), "--cores", "--cores=4"), "--cores 4 hands out more cores than the container's cpu 2"),
                breaks("root allowed", a -> ((ObjectNode) find(a, "Deployment", "cotenant").at("/spec/template/spec/securityContext")).put("runAsNonRoot", false),
                        "runAsNonRoot is not true"),
                breaks("the Service's gRPC port to REST", a -> ((ObjectNode) find(a, "Service", "cotenant").at("/spec/ports/1")).put("targetPort", "http"),
                        "port grpc leads to http (8000), not --grpc-port 8001"),
                breaks("a Service that selects nothing", a -> ((ObjectNode) find(a, "Service", "cotenant").at("/spec/selector")).put("app.kubernetes.io/name", "other"),
                        "selects no Deployment's pods"),
                breaks("a scrape of the wrong port", a -> ((ObjectNode) find(a, "Service", "cotenant").at("/metadata/annotations")).put("prometheus.io/port", "9090"),
                        "prometheus.io/port 9090 is not --http-port 8000"),
                breaks("the runtime's repository outside KServe's mount", a -> arg(runtimeContainer(a), "--repo", "--repo=/models"), "is not in /mnt/models"),
                breaks("the runtime's REST port where KServe does not route", a -> arg(runtimeContainer(a), "--http-port", "--http-port=8000"),
                        "KServe routes REST to 8080"),
                breaks("a runtime without grpc-v2", a -> ((ArrayNode) find(a, "ServingRuntime", "cotenant").at("/spec/protocolVersions")).remove(1),
                        "protocolVersions [v2]"),
                breaks("an InferenceService naming another runtime", a -> ((ObjectNode) find(a, "InferenceService", "cotenant-example").at("/spec/predictor/model"))
                        .put("runtime", "triton"), "runtime 'triton' is no ServingRuntime"),
                breaks("an InferenceService of the default protocol, v1", a -> ((ObjectNode) find(a, "InferenceService", "cotenant-example")
                        .at("/spec/predictor/model")).remove("protocolVersion"), "protocolVersion v1"),
                breaks("gRPC routed to the REST port", a -> ((ObjectNode) find(a, "InferenceService", "cotenant-example-grpc").at("/spec/predictor/model/ports/0"))
                        .put("containerPort", 8080), "grpc-v2 is routed to port 8080, but serve speaks it on 9000"));
    }

    @Test
    void theManifestsAsWrittenPass() {
        assertEquals(List.of(), servers.checks().check(manifests()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void aBrokenManifestIsCaught(String what, Consumer<List<JsonNode>> breakage, String expected) {
        List<JsonNode> broken = manifests();
        breakage.accept(broken);
        List<String> problems = servers.checks().check(broken);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), what + ": expected a problem with '" + expected + "', got " + problems);
    }

    /** gRPC probes: readiness on grpc.health.v1 passes (it follows readiness); liveness there does not. */
    @Test
    void aGrpcReadinessProbeOnTheGrpcPortPassesAndAGrpcLivenessProbeDoesNot() {
        List<JsonNode> all = manifests();
        ObjectNode c = container(all);
        c.putObject("readinessProbe").putObject("grpc").put("port", 8001);
        assertEquals(List.of(), servers.checks().check(all));
        c.putObject("livenessProbe").putObject("grpc").put("port", 8001).put("service", "inference.GRPCInferenceService");
        List<String> problems = servers.checks().check(all);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().contains("livenessProbe: grpc.health.v1 Check(\"inference.GRPCInferenceService\") answers NOT_SERVING"
                + " on a server that is live but not ready: it follows readiness"), problems.toString());
        c.putObject("readinessProbe").putObject("grpc").put("port", 8000);
        assertTrue(servers.checks().check(all).stream().anyMatch(p -> p.contains("readinessProbe: port 8000 is not --grpc-port 8001")));
    }
}
