package dev.cotenant.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.serving.Admission;
import dev.cotenant.server.serving.InferRequest;
import dev.cotenant.server.serving.ServedModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Model repositories built in a temporary folder, and a plain HTTP client for the tests. */
public final class Fixtures {

    /** Reads the JSON of answers. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** y = Relu(x + b) over [batch, 16]. */
    public static Model tiny() {
        GraphBuilder g = new GraphBuilder("tiny", 7);
        String x = g.input("x", DataType.FLOAT, new int[] {-1, 16}, "batch");
        String b = g.floats("b", new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 16);
        g.nodeNamed("relu", "Relu", List.of(g.node("Add", x, b)), java.util.Map.of());
        g.output("relu.out");
        return g.model(17);
    }

    /** y = x * 2 over INT64 [batch, 3]: integer tensors through both protocols. */
    public static Model doubler() {
        GraphBuilder g = new GraphBuilder("doubler", 7);
        String x = g.input("x", DataType.INT64, new int[] {-1, 3}, "batch");
        String two = g.longs("two", 2);
        g.nodeNamed("mul", "Mul", List.of(x, two), java.util.Map.of());
        g.output("mul.out");
        return g.model(17);
    }

    /**
     * A deliberately slow model: {@code depth} chained 512x512 matrix products on [batch, 128, 512],
     * so a batch keeps a lane busy long enough for queues to fill in a test.
     */
    public static Model slow(int depth) {
        GraphBuilder g = new GraphBuilder("slow", 7);
        String h = g.input("x", DataType.FLOAT, new int[] {-1, 128, 512}, "batch");
        for (int i = 0; i < depth; i++) {
            h = g.node("MatMul", h, g.normal("w" + i, 0.01f, 512, 512));
        }
        g.nodeNamed("out", "Relu", List.of(h), java.util.Map.of());
        g.output("out.out");
        return g.model(17);
    }

    public static void put(Path repo, String name, Model m, String config) throws IOException {
        Path f = repo.resolve(name).resolve("1").resolve("model.onnx");
        Files.createDirectories(f.getParent());
        OnnxExport.write(m, f);
        if (config != null) {
            Files.writeString(repo.resolve(name).resolve("config.pbtxt"), config);
        }
    }

    /** Adds version folder {@code version} holding {@code m} to model {@code name}. */
    public static void putVersion(Path repo, String name, String version, Model m) throws IOException {
        Path f = repo.resolve(name).resolve(version).resolve("model.onnx");
        Files.createDirectories(f.getParent());
        OnnxExport.write(m, f);
    }

    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public record Reply(int status, String body, HttpResponse<byte[]> raw) {}

    public static Reply get(Server s, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
    }

    public static Reply post(Server s, String path, String body) throws IOException, InterruptedException {
        return post(s, path, body.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Reply post(Server s, String path, byte[] body, Integer headerLength) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headerLength != null) {
            b.header(RawTensors.HEADER_LENGTH, headerLength.toString());
        }
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.ISO_8859_1), r);
    }

    public static URI uri(Server s, String path) {
        return URI.create("http://127.0.0.1:" + s.httpPort() + path);
    }

    /**
     * A server on ephemeral ports and two cores, without the regulator's background co-location
     * search (it measures schedules on the cores the tests share; RoundSchedulesTest covers it) and
     * without warm-up runs at load (RegulatorTest covers them).
     */
    public static ServerOptions options(Path repo) {
        return ServerOptions.defaults(repo).withPorts(0, 0).withCores(2).withSearchBudget(0).withWarmupRuns(0);
    }

    /** The value of {@code series} (name and labels, as written) in a Prometheus text scrape; fails when it is missing. */
    public static double metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in the scrape");
    }

    /**
     * A binary-extension infer body for slow with one sample of ones, with request {@code parameters}
     * (none when empty); {body, header length}.
     */
    public static Object[] slowBody(Map<String, Object> parameters) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode x = header.putArray("inputs").addObject();
        x.put("name", "x");
        x.putArray("shape").add(1).add(128).add(512);
        x.put("datatype", "FP32");
        x.putObject("parameters").put("binary_data_size", 128 * 512 * 4);
        if (!parameters.isEmpty()) {
            header.set("parameters", JSON.valueToTree(parameters));
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(h.length + 128 * 512 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(h);
        for (int i = 0; i < 128 * 512; i++) {
            b.putFloat(1f);
        }
        return new Object[] {b.array(), h.length};
    }

    public static java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> postAsync(Server s, String path, byte[] body, int headerLength) {
        return postAsync(uri(s, path), body, headerLength);
    }

    public static java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> postAsync(URI uri, byte[] body, int headerLength) {
        return HTTP.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header(RawTensors.HEADER_LENGTH, Integer.toString(headerLength))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Takes {@code requests} of {@code m} through its queue into one batch and starts it, as a
     * scheduler does before running a batch; returns the batch.
     */
    public static List<InferRequest> running(ServedModel m, InferRequest... requests) {
        for (InferRequest r : requests) {
            Admission.queue(r, new AtomicInteger());
        }
        List<InferRequest> batch = m.queue().take(System.nanoTime());
        if (!batch.equals(List.of(requests))) {
            throw new AssertionError("one batch of " + requests.length + " expected, got " + batch.size());
        }
        m.dispatched(batch);
        return batch;
    }

    /** A JSON infer body for tiny with one sample of values 0..15 (the last negated). */
    public static String tinyBody() {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "r1");
        ObjectNode x = body.putArray("inputs").addObject();
        x.put("name", "x");
        x.putArray("shape").add(1).add(16);
        x.put("datatype", "FP32");
        ArrayNode data = x.putArray("data");
        for (int i = 0; i < 16; i++) {
            data.add(i == 15 ? -100 : i);
        }
        return body.toString();
    }
}
