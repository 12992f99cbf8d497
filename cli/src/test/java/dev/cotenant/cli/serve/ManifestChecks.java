package dev.cotenant.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks every manifest of {@code deploy/k8s} passes, as written and as rendered: each
 * container's command line is one {@code cotenant serve} accepts, each probe asks a path or a
 * service that a real server answers on the port serve was given, and answers as its role needs
 * (liveness holds while the models load, readiness does not), each Service and container port is
 * one of serve's, the grace period outlasts the drain, and the pod runs as a user other than root.
 * The problems are collected, not thrown, so one run names all of them.
 */
final class ManifestChecks {

    /** Kubernetes's terminationGracePeriodSeconds when a pod sets none. */
    static final int DEFAULT_GRACE_SECONDS = 30;

    /** Addresses that take connections on every interface: the pod's IP, where probes and Services connect, included. */
    static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "[::]");

    /** The kubelet counts an HTTP probe as a success for a status from 200 to 399. */
    static boolean success(int status) {
        return status >= 200 && status < 400;
    }

    private final LiveServer ready;
    private final LiveServer unready;
    private final List<String> problems = new ArrayList<>();

    /**
     * Checks against two real servers: {@code ready} has loaded its repository; {@code unready} is
     * live (its ports are open) but not ready, as a server is while it loads or after a model
     * failed to load.
     */
    ManifestChecks(LiveServer ready, LiveServer unready) {
        this.ready = ready;
        this.unready = unready;
    }

    /** The problems of {@code resources}, taken as one set (a Service's pods and an InferenceService's runtime are looked up in it). */
    List<String> check(List<JsonNode> resources) {
        for (JsonNode r : resources) {
            switch (r.path("kind").asText()) {
                case "Deployment" -> deployment(r);
                case "Service" -> service(r, resources);
                case "ServingRuntime", "ClusterServingRuntime" -> KServeChecks.runtime(this, r);
                case "InferenceService" -> KServeChecks.inferenceService(this, r, resources);
                default -> { }
            }
        }
        return List.copyOf(problems);
    }

    void problem(String where, String what) {
        problems.add(where + ": " + what);
    }

    static String where(JsonNode r) {
        return r.path("kind").asText() + " " + r.path("metadata").path("name").asText();
    }

    /** The container's serve invocation, or null after noting why serve would refuse it. */
    ServeInvocation invocation(String at, JsonNode container) {
        try {
            ServeInvocation inv = ServeInvocation.of(container);
            if (!WILDCARD_HOSTS.contains(inv.host())) {
                problem(at, "--host " + inv.host() + " does not take connections on the pod's IP, where the kubelet's probes and the Service connect");
            }
            return inv;
        } catch (IllegalArgumentException e) {
            problem(at, "not accepted by cotenant serve: " + e.getMessage());
            return null;
        }
    }

    private void deployment(JsonNode d) {
        JsonNode pod = d.path("spec").path("template").path("spec");
        if (pod.path("containers").isEmpty()) {
            problem(where(d), "no containers");
        }
        for (JsonNode c : pod.path("containers")) {
            String at = where(d) + " container " + c.path("name").asText();
            ServeInvocation inv = invocation(at, c);
            if (inv == null) {
                continue;
            }
            declaredPorts(at, c, inv);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                probe(at, probe, c, inv);
            }
            grace(at, pod, c, inv);
            security(at, pod, c);
            resources(at, c, inv);
            mounts(at, pod, c, inv);
        }
    }

    /** Every containerPort is one of serve's ports, and serve's ports are declared (Services and probes may name them). */
    void declaredPorts(String at, JsonNode c, ServeInvocation inv) {
        List<Integer> declared = new ArrayList<>();
        for (JsonNode p : c.path("ports")) {
            int n = p.path("containerPort").asInt();
            declared.add(n);
            if (n != inv.httpPort() && n != inv.grpcPort()) {
                problem(at, "containerPort " + n + " (" + p.path("name").asText() + ") is neither --http-port " + inv.httpPort()
                        + " nor --grpc-port " + inv.grpcPort());
            }
        }
        if (!declared.contains(inv.httpPort())) {
            problem(at, "--http-port " + inv.httpPort() + " is not a containerPort");
        }
        if (inv.grpcPort() > 0 && !declared.contains(inv.grpcPort())) {
            problem(at, "--grpc-port " + inv.grpcPort() + " is not a containerPort");
        }
    }

    /** The number a probe's or a Service's port stands for in {@code container}: a number, or the name of one of its ports; null when neither. */
    static Integer port(JsonNode port, JsonNode container) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return null;
    }

    /**
     * The probe {@code name} of the container, when it is there or must be: its port is serve's, its
     * path or gRPC service one the real server answers, and it answers a server that is live but
     * not ready as the probe's role needs: a startup or liveness probe must still pass (restarting a
     * pod that loads or failed to load helps nothing), a readiness probe must not (no traffic to a
     * pod that cannot answer it).
     */
    void probe(String at, String name, JsonNode c, ServeInvocation inv) {
        JsonNode probe = c.path(name);
        String where = at + " " + name;
        if (probe.isMissingNode()) {
            problem(where, "missing");
            return;
        }
        boolean mustPassUnready = !name.equals("readinessProbe");
        if (probe.has("httpGet")) {
            httpProbe(where, probe.get("httpGet"), c, inv, mustPassUnready);
        } else if (probe.has("grpc")) {
            grpcProbe(where, probe.get("grpc"), inv, mustPassUnready);
        } else {
            problem(where, "neither httpGet nor grpc: a TCP or exec probe does not ask serve whether it is live or ready");
        }
    }

    private void httpProbe(String where, JsonNode h, JsonNode c, ServeInvocation inv, boolean mustPassUnready) {
        Integer port = port(h.path("port"), c);
        if (port == null || port != inv.httpPort()) {
            problem(where, "port " + h.path("port").asText() + " is not --http-port " + inv.httpPort());
        }
        String scheme = h.path("scheme").asText("HTTP");
        if (!scheme.equals(inv.tls() ? "HTTPS" : "HTTP")) {
            problem(where, "scheme " + scheme + ", but serve speaks " + (inv.tls() ? "HTTPS (--tls-cert)" : "plain HTTP (no --tls-cert)"));
        }
        // The routes are the same with TLS: the plain servers answer for the path.
        String path = h.path("path").asText("/");
        int status = ready.get(path);
        if (!success(status)) {
            problem(where, "GET " + path + " answers " + status + " on a ready server");
            return;
        }
        int whileLoading = unready.get(path);
        if (success(whileLoading) != mustPassUnready) {
            problem(where, "GET " + path + " answers " + whileLoading + " on a server that is live but not ready: "
                    + (mustPassUnready ? "the kubelet would restart a pod that is loading its models" : "traffic would reach a pod whose models have not loaded"));
        }
    }

    private void grpcProbe(String where, JsonNode g, ServeInvocation inv, boolean mustPassUnready) {
        if (g.path("port").asInt(-1) != inv.grpcPort()) {
            problem(where, "port " + g.path("port").asText() + " is not --grpc-port " + inv.grpcPort());
        }
        if (inv.tls()) {
            problem(where, "the kubelet's gRPC probe has no TLS, and with --tls-cert serve's gRPC port speaks only TLS");
        }
        String service = g.path("service").asText("");
        String status = ready.grpcHealth(service);
        if (!status.equals("SERVING")) {
            problem(where, "grpc.health.v1 Check(\"" + service + "\") answers " + status + " on a ready server");
            return;
        }
        String whileLoading = unready.grpcHealth(service);
        if (whileLoading.equals("SERVING") != mustPassUnready) {
            problem(where, "grpc.health.v1 Check(\"" + service + "\") answers " + whileLoading + " on a server that is live but not ready"
                    + (mustPassUnready ? ": it follows readiness, so it cannot tell liveness" : ""));
        }
    }

    /** The kubelet kills the container this long after SIGTERM: longer than serve's drain (and any preStop sleep before it). */
    void grace(String at, JsonNode pod, JsonNode c, ServeInvocation inv) {
        long graceMs = pod.path("terminationGracePeriodSeconds").asLong(DEFAULT_GRACE_SECONDS) * 1000;
        long preStopMs = c.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong(0) * 1000;
        long needMs = inv.drain().toMillis() + preStopMs;
        if (graceMs <= needMs) {
            problem(at, "terminationGracePeriodSeconds " + graceMs / 1000 + " is not longer than --drain-timeout " + inv.drain().toMillis() / 1000.0
                    + " s" + (preStopMs > 0 ? " after a preStop sleep of " + preStopMs / 1000 + " s" : "")
                    + ": the kubelet would kill requests the drain is still answering");
        }
    }

    /** Not root: runAsNonRoot, a numeric user the kubelet can check it against, no privilege escalation. */
    void security(String at, JsonNode pod, JsonNode c) {
        JsonNode podSc = pod.path("securityContext");
        JsonNode sc = c.path("securityContext");
        if (!sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false))) {
            problem(at, "runAsNonRoot is not true");
        }
        JsonNode user = sc.has("runAsUser") ? sc.get("runAsUser") : podSc.path("runAsUser");
        if (!user.canConvertToLong() || user.asLong() <= 0) {
            problem(at, "runAsUser " + user + ": expected a number other than 0, which the kubelet can check runAsNonRoot against");
        }
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            problem(at, "allowPrivilegeEscalation is not false");
        }
    }

    /** Requests for CPU and memory, and no more cores handed out than the container's CPU. */
    void resources(String at, JsonNode c, ServeInvocation inv) {
        JsonNode r = c.path("resources");
        for (String what : List.of("cpu", "memory")) {
            if (!r.path("requests").hasNonNull(what)) {
                problem(at, "no resources.requests." + what);
            }
        }
        JsonNode cpu = r.path("limits").hasNonNull("cpu") ? r.path("limits").get("cpu") : r.path("requests").path("cpu");
        if (inv.cores() != null && !cpu.isMissingNode() && BigDecimal.valueOf(inv.cores()).compareTo(cpus(cpu.asText())) > 0) {
            problem(at, "--cores " + inv.cores() + " hands out more cores than the container's cpu " + cpu.asText());
        }
    }

    /** A CPU quantity: "2", "1.5" or "500m". */
    static BigDecimal cpus(String q) {
        return q.endsWith("m") ? new BigDecimal(q.substring(0, q.length() - 1)).movePointLeft(3) : new BigDecimal(q);
    }

    /** The repository on a volume that holds data (not an emptyDir), tokens and TLS files from mounted Secrets. */
    void mounts(String at, JsonNode pod, JsonNode c, ServeInvocation inv) {
        JsonNode repo = volume(inv.repo(), pod, c);
        if (repo == null) {
            problem(at, "--repo " + inv.repo() + " is on no volume mounted in the container");
        } else if (repo.has("emptyDir")) {
            problem(at, "--repo " + inv.repo() + " is on an emptyDir, which starts empty");
        }
        for (Path file : new Path[] {inv.tokenFile(), inv.tlsCert(), inv.tlsKey()}) {
            if (file == null) {
                continue;
            }
            JsonNode v = volume(file, pod, c);
            if (v == null || !(v.has("secret") || v.has("projected")) || mountPath(file, c).equals(file)) {
                problem(at, file + " is not a file of a mounted Secret");
            }
        }
    }

    /** The pod volume mounted at the deepest mount path that holds {@code file}, or null. */
    static JsonNode volume(Path file, JsonNode pod, JsonNode c) {
        Path mount = mountPath(file, c);
        if (mount == null) {
            return null;
        }
        String name = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (Path.of(m.path("mountPath").asText()).equals(mount)) {
                name = m.path("name").asText();
            }
        }
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        return null;
    }

    private static Path mountPath(Path file, JsonNode c) {
        Path best = null;
        for (JsonNode m : c.path("volumeMounts")) {
            Path p = Path.of(m.path("mountPath").asText());
            if (file.normalize().startsWith(p) && (best == null || p.getNameCount() > best.getNameCount())) {
                best = p;
            }
        }
        return best;
    }

    /**
     * A Service selects a Deployment's pods, and each of its ports leads to serve's: a port named
     * grpc to --grpc-port, any other to --http-port; its Prometheus annotations name the REST port,
     * a path the server answers, and the scheme it speaks.
     */
    private void service(JsonNode s, List<JsonNode> all) {
        String at = where(s);
        JsonNode selector = s.path("spec").path("selector");
        List<JsonNode> selected = all.stream().filter(r -> r.path("kind").asText().equals("Deployment"))
                .filter(d -> selects(selector, d.path("spec").path("template").path("metadata").path("labels"))).toList();
        if (selected.isEmpty()) {
            problem(at, "its selector " + selector + " selects no Deployment's pods");
        }
        for (JsonNode d : selected) {
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                ServeInvocation inv = invocation(at + " -> " + where(d), c);
                if (inv != null) {
                    servicePorts(at, s, c, inv);
                    scrape(at, s.path("metadata").path("annotations"), "prometheus.io/", inv);
                }
            }
        }
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (var e : selector.properties()) {
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private void servicePorts(String at, JsonNode s, JsonNode c, ServeInvocation inv) {
        for (JsonNode p : s.path("spec").path("ports")) {
            JsonNode target = p.has("targetPort") ? p.get("targetPort") : p.path("port");
            Integer n = port(target, c);
            boolean grpc = p.path("name").asText().startsWith("grpc");
            int expected = grpc ? inv.grpcPort() : inv.httpPort();
            if (n == null || n != expected) {
                problem(at, "port " + p.path("name").asText() + " leads to " + target.asText() + " (" + n + "), not "
                        + (grpc ? "--grpc-port " : "--http-port ") + expected);
            }
        }
    }

    /** Scrape annotations, when {@code prefix}scrape is true or the prefix's port is given: the REST port, a path served, the scheme spoken. */
    void scrape(String at, JsonNode annotations, String prefix, ServeInvocation inv) {
        if (!annotations.path(prefix + "scrape").asText().equals("true") && !annotations.has(prefix + "port")) {
            return;
        }
        if (annotations.path(prefix + "port").asInt(-1) != inv.httpPort()) {
            problem(at, prefix + "port " + annotations.path(prefix + "port").asText() + " is not --http-port " + inv.httpPort());
        }
        String path = annotations.path(prefix + "path").asText("/metrics");
        if (ready.get(path) != 200) {
            problem(at, prefix + "path " + path + " answers " + ready.get(path));
        }
        String scheme = annotations.path(prefix + "scheme").asText("http");
        if (!scheme.equals(inv.tls() ? "https" : "http")) {
            problem(at, prefix + "scheme " + scheme + ", but serve speaks " + (inv.tls() ? "https" : "http"));
        }
    }
}
