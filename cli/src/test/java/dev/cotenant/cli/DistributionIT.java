package dev.cotenant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.io.Npy;
import dev.cotenant.ir.Tensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained distribution runs {@code run} and {@code serve} on a machine without a JDK,
 * Maven or the sources. deploy/dist/build.sh packs it from the jars this build has just made (this
 * runs after {@code package}, under failsafe); it is unpacked in a temporary folder and started
 * with an environment of nothing but PATH, a folder of links to bash and grep (not /usr/bin, whose
 * java is a JDK 17), and HOME, from a working folder outside the source tree. A missing jlink
 * fails the build step, and with it this test.
 */
class DistributionIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The input given to both run and serve: large values through Relu(x + b), half of them negative. */
    private static final float[] X = new float[16];

    static {
        for (int i = 0; i < X.length; i++) {
            X[i] = (i % 2 == 0 ? 100 : -100) + i;
        }
    }

    record Done(int code, String out, String err) {}

    @Test
    void theDistributionRunsAndServesWithoutJdkMavenOrSources(@TempDir Path tmp) throws Exception {
        Path tarball = build();
        assertTrue(Files.size(tarball) < 100L << 20, "the distribution is " + (Files.size(tarball) >> 20)
                + " MB; without ONNX Runtime (133 MB alone) it is about 60");
        Path home = unpack(tarball, tmp.resolve("opt"));
        checkContents(home);
        try (Clean env = Clean.make(tmp)) {
            runAndServe(env, home);
        }
    }

    /** repo and run (checked against the model's arithmetic), the commands left out, then serve. */
    private static void runAndServe(Clean env, Path home) throws Exception {
        Done repo = env.run(home, "repo", "repo", "--zoo", "tiny");
        assertEquals(0, repo.code(), repo.err());
        Path model = env.work().resolve("repo/tiny/1/model.onnx");
        assertTrue(Files.isRegularFile(model), repo.out());
        Npy.write(Tensor.of(X.clone(), 1, 16), env.work().resolve("x.npy"));
        Done run = env.run(home, "run", model.toString(), "--input", "x=x.npy", "--out", "outputs");
        assertEquals(0, run.code(), run.err());
        float[] computed;
        try (Stream<Path> files = Files.list(env.work().resolve("outputs"))) {
            List<Path> npys = files.filter(f -> f.toString().endsWith(".npy")).toList();
            assertEquals(1, npys.size(), "one output: " + npys);
            computed = Npy.read(npys.getFirst()).toFloatArray();
        }
        assertRelu(computed);

        leftOut(env, home, "ONNX Runtime is not in this distribution; it is needed by `bench`", "bench", "tiny");
        leftOut(env, home, "JMH is not in this distribution; it is needed by `bench --kernels`", "bench", "--kernels");
        leftOut(env, home, "ONNX Runtime is not in this distribution; it is needed by the onnxruntime policy",
                "corun", "--tenants", model.toString(), "--policies", "sequential,onnxruntime");
        Done dist = env.run(home, "dist");
        assertEquals(1, dist.code(), dist.err());
        assertTrue(dist.err().contains("builds a distribution from the source tree"), dist.err());

        serve(env, home, computed);
    }

    /** A command that needs a library left out stops with one line saying so, exit status 1. */
    private static void leftOut(Clean env, Path home, String message, String... args) throws Exception {
        Done d = env.run(home, args);
        assertEquals(1, d.code(), d.err());
        assertEquals(1, d.err().strip().lines().count(), "one line: " + d.err());
        assertTrue(d.err().startsWith("cotenant: error: " + message), d.err());
    }

    /** Runs deploy/dist/build.sh on this build's jars into cli/target/dist; returns the tarball. */
    private static Path build() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("deploy/dist/build.sh");
        assertTrue(Files.isRegularFile(script), "no " + script + " (the test runs in the module cli)");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--no-build", "-o", root.resolve("cli/target/dist").toString())
                .directory(root.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long t0 = System.nanoTime();
        Done b = finish(pb, Duration.ofMinutes(5));
        System.err.printf("distribution built in %.0f s:%n%s", (System.nanoTime() - t0) / 1e9, b.err());
        assertEquals(0, b.code(), "deploy/dist/build.sh failed:\n" + b.err() + b.out());
        Path tarball = Path.of(b.out().strip().lines().reduce((a, c) -> c).orElseThrow());
        assertTrue(tarball.getFileName().toString().matches("cotenant-.+-linux-x64\\.tar\\.gz"), tarball.toString());
        assertTrue(b.err().contains("[3/5] linking a Java runtime with jlink"), "progress of the long steps: " + b.err());
        return tarball;
    }

    /** Unpacks the tarball into {@code into}; returns its one top folder. */
    private static Path unpack(Path tarball, Path into) throws Exception {
        Files.createDirectories(into);
        Done t = finish(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString()), Duration.ofMinutes(2));
        assertEquals(0, t.code(), t.err());
        try (Stream<Path> top = Files.list(into)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "one top folder: " + dirs);
            assertEquals(tarball.getFileName().toString().replace(".tar.gz", ""), dirs.getFirst().getFileName().toString());
            return dirs.getFirst();
        }
    }

    /** A trimmed runtime with the vector and management modules, no compiler; no ONNX Runtime, no JMH. */
    private static void checkContents(Path home) throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/cotenant")));
        assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")));
        assertFalse(Files.exists(home.resolve("runtime/bin/javac")), "a runtime, not a JDK");
        assertFalse(Files.exists(home.resolve("runtime/bin/jlink")), "a runtime, not a JDK");
        String modules = Files.readAllLines(home.resolve("runtime/release")).stream()
                .filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        for (String m : List.of("jdk.incubator.vector", "java.management", "jdk.management", "jdk.unsupported", "java.net.http")) {
            assertTrue(modules.matches(".*[\" ]" + Pattern.quote(m) + "[\" ].*"), m + " in " + modules);
        }
        assertFalse(modules.contains("jdk.compiler"), modules);
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(j -> j.getFileName().toString()).toList();
            assertTrue(names.contains("cotenant.jar"), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("jetty-server-")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith("onnxruntime") || n.startsWith("jmh")), names.toString());
        }
        assertTrue(Files.readString(home.resolve("CONTENTS")).contains("onnxruntime-"), "CONTENTS names what is left out");
    }

    /** y = Relu(x + b) with b drawn around 0.1: the negative inputs give 0, the positive ones about x. */
    private static void assertRelu(float[] y) {
        assertEquals(X.length, y.length);
        for (int i = 0; i < X.length; i++) {
            if (X[i] < 0) {
                assertEquals(0f, y[i], "y[" + i + "]");
            } else {
                assertEquals(X[i], y[i], 5f, "y[" + i + "]");
            }
        }
    }

    /** serve on loopback with free ports: ready, one REST inference equal to run's, metrics, then SIGTERM. */
    private static void serve(Clean env, Path home, float[] expected) throws Exception {
        Path log = env.work().resolve("serve.log");
        Process p = env.start(home, log, "serve", "--repo", "repo", "--host", "127.0.0.1", "--http-port", "0", "--grpc-port", "0");
        try {
            String base = "http://127.0.0.1:" + port(p, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (status(base + "/v2/health/ready") != 200) {
                assertTrue(p.isAlive(), "the server exited:\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "not ready in 90 s:\n" + Files.readString(log));
                Thread.sleep(100);
            }
            assertEquals(200, status(base + "/v2/health/live"));
            String body = JSON.writeValueAsString(Map.of("inputs", List.of(Map.of("name", "x", "shape", List.of(1, 16),
                    "datatype", "FP32", "data", X))));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/tiny/infer"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode out = JSON.readTree(r.body()).get("outputs").get(0);
            assertEquals("[1,16]", out.get("shape").toString(), r.body());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], out.get("data").get(i).floatValue(), 1e-6f * Math.max(1f, Math.abs(expected[i])),
                        "serve answers what run computed, y[" + i + "]: " + r.body());
            }
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("nv_inference_request_success{"), "serving metrics");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), "JVM metrics (java.management): " + metrics.body());
            p.destroy(); // SIGTERM: the launcher's exec made the JVM the process itself
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM:\n" + Files.readString(log));
            assertEquals(143, p.exitValue(), "ended by SIGTERM after its shutdown hook:\n" + Files.readString(log));
            String text = Files.readString(log);
            assertTrue(text.contains("shutdown requested (signal)") && text.contains("stopped"), text);
            assertFalse(text.contains("WARNING: Using incubator modules"), "the launcher drops the JVM's notice: " + text);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The REST port the server bound (it was asked for 0), from its log line. */
    private static int port(Process p, Path log) throws Exception {
        Pattern line = Pattern.compile("REST listening on http://127\\.0\\.0\\.1:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(p.isAlive(), "the server exited:\n" + (Files.exists(log) ? Files.readString(log) : ""));
            Thread.sleep(50);
        }
        return fail("no 'REST listening on' line in 60 s:\n" + Files.readString(log));
    }

    /** GET's status; -1 while nothing listens. */
    private static int status(String url) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Runs a process to its end within {@code limit}, its output and errors gathered in files. */
    static Done finish(ProcessBuilder pb, Duration limit) throws Exception {
        Path out = Files.createTempFile("dist-it", ".out");
        Path err = Files.createTempFile("dist-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(pb.command() + " still running after " + limit + ":\n" + Files.readString(err));
            }
            // the launcher's stderr passes through grep, which may finish a moment after the JVM
            Thread.sleep(50);
            return new Done(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * A clean environment: PATH holds links to bash and grep only (what the launcher needs), HOME an
     * empty folder, and the working folder is outside the source tree.
     */
    record Clean(Path tools, Path home, Path work) implements AutoCloseable {

        /** Removes the links first: JUnit warns about links out of a temporary folder it deletes. */
        @Override
        public void close() throws IOException {
            for (String tool : List.of("bash", "grep")) {
                Files.deleteIfExists(tools.resolve(tool));
            }
        }

        static Clean make(Path tmp) throws IOException {
            Clean c = new Clean(tmp.resolve("tools"), tmp.resolve("home"), tmp.resolve("work"));
            for (Path d : List.of(c.tools, c.home, c.work)) {
                Files.createDirectories(d);
            }
            for (String tool : List.of("bash", "grep")) {
                Files.createSymbolicLink(c.tools.resolve(tool), which(tool));
            }
            return c;
        }

        /** The tool on this process's PATH. */
        private static Path which(String tool) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
                if (Files.isExecutable(p)) {
                    return p.toAbsolutePath();
                }
            }
            return fail("no " + tool + " on PATH to link into the clean environment");
        }

        ProcessBuilder command(Path dist, String... args) {
            List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/cotenant").toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            Map<String, String> e = pb.environment();
            e.clear();
            e.put("PATH", tools.toString());
            e.put("HOME", home.toString());
            return pb;
        }

        Done run(Path dist, String... args) throws Exception {
            return finish(command(dist, args), Duration.ofMinutes(2));
        }

        Process start(Path dist, Path log, String... args) throws IOException {
            return command(dist, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }
    }
}
