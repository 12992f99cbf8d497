package dev.cotenant.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The checks of KServe's resources: a ServingRuntime runs {@code cotenant serve} on the model
 * folder KServe fills, speaks the protocols it declares on the ports KServe routes to; an
 * InferenceService names a runtime of the same set that supports its format and protocol.
 */
final class KServeChecks {

    /** Where KServe's storage initializer puts an InferenceService's storageUri in the predictor's container. */
    static final Path MODEL_MOUNT = Path.of("/mnt/models");

    /** The container port KServe sends REST to when an InferenceService declares no ports. */
    static final int DEFAULT_HTTP_PORT = 8080;

    /** The InferenceService's protocol when it names none. */
    static final String DEFAULT_PROTOCOL = "v1";

    /** The container of a runtime into which KServe merges the InferenceService's model. */
    static final String CONTAINER = "kserve-container";

    private KServeChecks() {}

    static void runtime(ManifestChecks m, JsonNode r) {
        String at = ManifestChecks.where(r);
        JsonNode spec = r.path("spec");
        if (!names(spec.path("supportedModelFormats")).contains("onnx")) {
            m.problem(at, "supportedModelFormats " + spec.path("supportedModelFormats") + " lacks onnx");
        }
        List<String> protocols = ServeInvocation.strings(spec.path("protocolVersions"));
        if (!protocols.containsAll(List.of("v2", "grpc-v2"))) {
            m.problem(at, "protocolVersions " + protocols + ": serve speaks v2 and grpc-v2");
        }
        if (spec.path("containers").isEmpty()) {
            m.problem(at, "no containers");
        }
        for (JsonNode c : spec.path("containers")) {
            String where = at + " container " + c.path("name").asText();
            ServeInvocation inv = m.invocation(where, c);
            if (inv == null) {
                continue;
            }
            if (!inv.repo().normalize().startsWith(MODEL_MOUNT)) {
                m.problem(where, "--repo " + inv.repo() + " is not in " + MODEL_MOUNT + ", where KServe puts the storageUri");
            }
            if (c.has("ports")) {
                m.declaredPorts(where, c, inv);
            } else if (inv.httpPort() != DEFAULT_HTTP_PORT) {
                m.problem(where, "--http-port " + inv.httpPort() + ", but KServe routes REST to " + DEFAULT_HTTP_PORT + " when no port is declared");
            }
            // No startup probe here: Knative, under KServe's serverless mode, has long refused them.
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                m.probe(where, probe, c, inv);
            }
            // A ServingRuntime sets no grace period: the pod gets Kubernetes's default.
            m.grace(where, spec, c, inv);
            m.security(where, spec, c);
            m.resources(where, c, inv);
            m.scrape(where, spec.path("annotations"), "prometheus.kserve.io/", inv);
        }
    }

    private static List<String> names(JsonNode formats) {
        return formats.findValuesAsText("name");
    }

    static void inferenceService(ManifestChecks m, JsonNode isvc, List<JsonNode> all) {
        String at = ManifestChecks.where(isvc);
        JsonNode model = isvc.path("spec").path("predictor").path("model");
        String name = model.path("runtime").asText();
        Optional<JsonNode> runtime = all.stream().filter(r -> r.path("kind").asText().endsWith("ServingRuntime"))
                .filter(r -> r.path("metadata").path("name").asText().equals(name)).findFirst();
        if (runtime.isEmpty()) {
            m.problem(at, "spec.predictor.model.runtime '" + name + "' is no ServingRuntime of these manifests");
            return;
        }
        JsonNode spec = runtime.get().path("spec");
        String format = model.path("modelFormat").path("name").asText();
        if (!names(spec.path("supportedModelFormats")).contains(format)) {
            m.problem(at, "modelFormat '" + format + "' is not among the runtime's supportedModelFormats");
        }
        String protocol = model.path("protocolVersion").asText(DEFAULT_PROTOCOL);
        if (!ServeInvocation.strings(spec.path("protocolVersions")).contains(protocol)) {
            m.problem(at, "protocolVersion " + protocol + " (v1 when none is given) is not among the runtime's protocolVersions");
        }
        if (!model.hasNonNull("storageUri")) {
            m.problem(at, "no storageUri: nothing would fill " + MODEL_MOUNT);
        }
        for (JsonNode c : spec.path("containers")) {
            if (c.path("name").asText().equals(CONTAINER)) {
                ServeInvocation inv = m.invocation(at + " -> " + ManifestChecks.where(runtime.get()), c);
                if (inv != null) {
                    ports(m, at, model.path("ports"), protocol, inv);
                }
                return;
            }
        }
        m.problem(at, "its runtime has no container named " + CONTAINER);
    }

    /** The port KServe routes to is the one serve speaks the protocol on: h2c for gRPC, REST otherwise (8080 when none is declared). */
    private static void ports(ManifestChecks m, String at, JsonNode ports, String protocol, ServeInvocation inv) {
        boolean grpc = protocol.startsWith("grpc");
        int routed = ports.isEmpty() ? DEFAULT_HTTP_PORT : ports.get(0).path("containerPort").asInt();
        int expected = grpc ? inv.grpcPort() : inv.httpPort();
        if (routed != expected) {
            m.problem(at, protocol + " is routed to port " + routed + ", but serve speaks it on " + expected);
        }
        if (grpc && !ports.path(0).path("name").asText().equals("h2c")) {
            m.problem(at, "the gRPC port is not named h2c, so it would be taken for HTTP/1");
        }
        for (JsonNode p : ports) {
            int n = p.path("containerPort").asInt();
            if (n != inv.httpPort() && n != inv.grpcPort()) {
                m.problem(at, "port " + n + " is neither --http-port " + inv.httpPort() + " nor --grpc-port " + inv.grpcPort());
            }
        }
    }
}
