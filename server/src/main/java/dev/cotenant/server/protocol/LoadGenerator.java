package dev.cotenant.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator for the REST infer endpoint, in the spirit of MLPerf's server scenario: per
 * model, either open-loop Poisson arrivals at a fixed rate (latency counted from the scheduled
 * send time, so a slow server cannot hide queueing by slowing the client) or a closed loop of C
 * clients each sending its next request when the previous one is answered (20 ms later when it
 * was refused); or one open-loop stream whose every arrival goes to every model at once (a camera
 * frame that a classifier, a detector and a segmenter all see). Bodies use the
 * binary-data extension with random inputs shaped from the model's metadata.
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to send.
     *
     * @param url         server base URL, e.g. {@code http://127.0.0.1:8000}
     * @param models      model names
     * @param rates       open loop: requests per second, one per model in order (empty: closed loop)
     * @param concurrency closed loop: clients per model
     * @param duration    how long to send
     * @param batch       samples per request for batching models
     * @param seed        seed of arrivals and inputs
     * @param together    open loop: one Poisson stream at the first rate, each arrival a request to
     *                    every model at once (a frame that every model of a pipeline must see)
     * @param sloMs       latency bounds by model name, in milliseconds: each such model's report
     *                    counts the answers within it (the throughput that counts in MLPerf's
     *                    server scenario); models without one are not judged
     */
    public record Options(String url, List<String> models, List<Double> rates, int concurrency, Duration duration, int batch, long seed,
                          boolean together, Map<String, Double> sloMs) {
        public Options {
            sloMs = Map.copyOf(sloMs);
        }

        public Options(String url, List<String> models, List<Double> rates, int concurrency, Duration duration, int batch, long seed) {
            this(url, models, rates, concurrency, duration, batch, seed, false, Map.of());
        }
    }

    /**
     * What one model saw. Latencies in milliseconds; {@code sloMs} is the bound it was judged by (0:
     * none), {@code withinSlo} the answers within it and {@code goodput} those per second (both 0
     * without a bound).
     */
    public record ModelReport(String model, long sent, long ok, long rejected, long errors, long lost, double throughput,
                              double p50, double p90, double p99, double max, String firstError, double sloMs, long withinSlo,
                              double goodput) {}

    private static final long REFUSED_BACKOFF_MS = 20;

    private final Options options;
    private final HttpClient client;

    public LoadGenerator(Options options) {
        if (options.models().isEmpty()) {
            throw new ModelException("give at least one --model");
        }
        if (options.rates().isEmpty() == (options.concurrency() <= 0)) {
            throw new ModelException("give exactly one of --rate (open loop) and --concurrency (closed loop)");
        }
        if (options.together() && (options.rates().isEmpty() || options.rates().stream().distinct().count() != 1)) {
            throw new ModelException("--together sends every model's requests at one rate: give --rate with one value");
        }
        for (Map.Entry<String, Double> e : options.sloMs().entrySet()) {
            if (!options.models().contains(e.getKey())) {
                throw new ModelException("--slo-ms names model '" + e.getKey() + "', which is not one of the --model values " + options.models());
            }
            if (!(e.getValue() > 0)) {
                throw new ModelException("--slo-ms for '" + e.getKey() + "' must be a positive number of milliseconds, not " + e.getValue());
            }
        }
        if (!options.rates().isEmpty() && options.rates().size() != options.models().size()) {
            throw new ModelException("--rate has " + options.rates().size() + " values for " + options.models().size() + " models");
        }
        this.options = options;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Runs the load and returns one report per model. */
    public List<ModelReport> run() throws InterruptedException {
        List<Target> targets = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(options.seed());
        for (String m : options.models()) {
            targets.add(new Target(m, body(m, rnd)));
        }
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        if (options.together()) {
            long seed = rnd.nextLong();
            threads.add(Thread.ofPlatform().name("load-together").start(() -> openLoop(targets, end, seed, options.rates().getFirst())));
        }
        for (int k = 0; k < targets.size() && !options.together(); k++) {
            Target t = targets.get(k);
            if (!options.rates().isEmpty()) {
                long seed = rnd.nextLong();
                double rate = options.rates().get(k);
                threads.add(Thread.ofPlatform().name("load-" + t.model).start(() -> openLoop(t, end, seed, rate)));
            } else {
                for (int i = 0; i < options.concurrency(); i++) {
                    threads.add(Thread.ofVirtual().start(() -> closedLoop(t, end)));
                }
            }
        }
        for (Thread th : threads) {
            th.join();
        }
        // Answers still outstanding get a grace period; what never comes back is counted lost.
        long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Target t : targets) {
            for (CompletableFuture<?> f : t.outstanding) {
                long left = grace - System.nanoTime();
                try {
                    f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // counted below
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        seconds = Math.min(seconds, options.duration().toNanos() / 1e9 + 0.001);
        List<ModelReport> out = new ArrayList<>();
        for (Target t : targets) {
            long[] lat = t.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long answered = t.ok.get() + t.rejected.get() + t.errors.get();
            double slo = options.sloMs().getOrDefault(t.model, 0.0);
            long within = 0;
            for (long l : lat) {
                within += slo > 0 && l <= slo * 1e6 ? 1 : 0;
            }
            out.add(new ModelReport(t.model, t.sent.get(), t.ok.get(), t.rejected.get(), t.errors.get(), t.sent.get() - answered,
                    t.ok.get() / seconds, pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
                    t.firstError, slo, within, within / seconds));
        }
        return out;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private final class Target {
        final String model;
        final byte[] body;
        final int headerLength;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<CompletableFuture<?>> outstanding = new ConcurrentLinkedQueue<>();
        volatile String firstError;

        Target(String model, byte[][] body) {
            this.model = model;
            this.body = body[0];
            this.headerLength = body[1][0] << 24 | (body[1][1] & 0xff) << 16 | (body[1][2] & 0xff) << 8 | (body[1][3] & 0xff);
        }

        HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(options.url() + "/v2/models/" + model + "/infer"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/octet-stream")
                    .header(RawTensors.HEADER_LENGTH, Integer.toString(headerLength))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }

        void record(long scheduled, HttpResponse<byte[]> r, Throwable e) {
            long lat = System.nanoTime() - scheduled;
            if (e != null) {
                errors.incrementAndGet();
                note(e.toString());
            } else if (r.statusCode() == 200) {
                ok.incrementAndGet();
                latencies.add(lat);
            } else if (r.statusCode() == 503) {
                rejected.incrementAndGet();
                note("503 " + new String(r.body(), StandardCharsets.UTF_8));
            } else {
                errors.incrementAndGet();
                note(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
        }

        void note(String e) {
            if (firstError == null) {
                firstError = e;
            }
        }
    }

    private void openLoop(Target t, long end, long seed, double rate) {
        openLoop(List.of(t), end, seed, rate);
    }

    /** Poisson arrivals at {@code rate}; each arrival sends one request to every one of {@code targets}. */
    private void openLoop(List<Target> targets, long end, long seed, double rate) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double meanGapNanos = 1e9 / rate;
        long next = System.nanoTime();
        while (true) {
            next += (long) (-Math.log(1 - rnd.nextDouble()) * meanGapNanos);
            if (next >= end) {
                return;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long scheduled = next;
            for (Target t : targets) {
                t.sent.incrementAndGet();
                CompletableFuture<?> f = client.sendAsync(t.request(), HttpResponse.BodyHandlers.ofByteArray())
                        .whenComplete((r, e) -> t.record(scheduled, r, e));
                t.outstanding.add(f);
                t.outstanding.removeIf(CompletableFuture::isDone);
            }
        }
    }

    private void closedLoop(Target t, long end) {
        while (System.nanoTime() < end) {
            long s = System.nanoTime();
            t.sent.incrementAndGet();
            try {
                HttpResponse<byte[]> r = client.send(t.request(), HttpResponse.BodyHandlers.ofByteArray());
                t.record(s, r, null);
                if (r.statusCode() == 503) {
                    // a refused client backs off briefly instead of hammering the door
                    Thread.sleep(REFUSED_BACKOFF_MS);
                }
            } catch (IOException e) {
                t.record(s, null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A binary-extension body of random inputs for model {@code m}: {body, 4-byte JSON header length}. */
    private byte[][] body(String m, SplittableRandom rnd) throws InterruptedException {
        JsonNode meta;
        try {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(options.url() + "/v2/models/" + m)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            meta = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new ModelException("model '" + m + "': " + meta.path("error").asText("HTTP " + r.statusCode()));
            }
        } catch (IOException e) {
            throw new ModelException("cannot reach " + options.url() + ": " + e.getMessage());
        }
        ObjectNode req = JSON.createObjectNode();
        ArrayNode inputs = req.putArray("inputs");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (JsonNode in : meta.path("inputs")) {
            long[] shape = new long[in.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                long d = in.path("shape").get(i).asLong();
                shape[i] = d >= 0 ? d : i == 0 ? options.batch() : 1;
            }
            Datatype dt = Datatype.parse(in.path("datatype").asText(), "input '" + in.path("name").asText() + "'");
            Tensor x = Tensor.allocate(dt.engine(), Arrays.stream(shape).mapToInt(v -> (int) v).toArray());
            String name = in.path("name").asText().toLowerCase(Locale.ROOT);
            for (int i = 0; i < x.size(); i++) {
                if (dt == Datatype.BOOL || name.contains("mask")) {
                    x.setLong(i, 1);
                } else if (dt.engine().isFloat()) {
                    x.setDouble(i, rnd.nextDouble());
                } else {
                    x.setLong(i, name.contains("type") ? 0 : rnd.nextInt(100));
                }
            }
            byte[] b = RawTensors.encode(x);
            raw.writeBytes(b);
            ObjectNode o = inputs.addObject();
            o.put("name", in.path("name").asText());
            o.put("datatype", dt.name());
            ArrayNode sh = o.putArray("shape");
            for (long d : shape) {
                sh.add(d);
            }
            o.putObject("parameters").put("binary_data_size", b.length);
        }
        req.putObject("parameters").put("binary_data_output", true);
        byte[] json = req.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[json.length + raw.size()];
        System.arraycopy(json, 0, all, 0, json.length);
        System.arraycopy(raw.toByteArray(), 0, all, json.length, raw.size());
        int n = json.length;
        return new byte[][] {all, {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}};
    }

    /** The reports as a JSON document. */
    public static String json(Options o, List<ModelReport> reports) {
        ObjectNode root = JSON.createObjectNode();
        root.put("url", o.url());
        root.put("mode", o.together() ? "open-loop-together" : !o.rates().isEmpty() ? "open-loop" : "closed-loop");
        if (o.rates().isEmpty()) {
            root.put("concurrency_per_model", o.concurrency());
        }
        root.put("duration_s", o.duration().toMillis() / 1000.0);
        root.put("batch", o.batch());
        ArrayNode a = root.putArray("models");
        for (int i = 0; i < reports.size(); i++) {
            ObjectNode m = JSON.valueToTree(reports.get(i));
            if (!o.rates().isEmpty()) {
                m.put("rate", o.rates().get(i));
            }
            a.add(m);
        }
        return root.toPrettyString();
    }

    /** The reports as a table; with latency bounds, two more columns: the bound and the answers per second within it. */
    public static String table(List<ModelReport> reports) {
        boolean judged = reports.stream().anyMatch(r -> r.sloMs() > 0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s %8s %8s %8s %7s %5s %9s %9s %9s %9s",
                "model", "sent", "ok", "rejected", "errors", "lost", "ok/s", "p50 ms", "p90 ms", "p99 ms"));
        b.append(judged ? String.format(Locale.ROOT, " %8s %11s%n", "SLO ms", "in SLO/s") : "\n");
        for (ModelReport r : reports) {
            b.append(String.format(Locale.ROOT, "%-16s %8d %8d %8d %7d %5d %9.1f %9.2f %9.2f %9.2f", r.model(), r.sent(), r.ok(),
                    r.rejected(), r.errors(), r.lost(), r.throughput(), r.p50(), r.p90(), r.p99()));
            if (!judged) {
                b.append('\n');
            } else if (r.sloMs() > 0) {
                b.append(String.format(Locale.ROOT, " %8.0f %11.1f%n", r.sloMs(), r.goodput()));
            } else {
                b.append(String.format(Locale.ROOT, " %8s %11s%n", "-", "-"));
            }
        }
        for (ModelReport r : reports) {
            if (r.firstError() != null) {
                b.append("first problem for ").append(r.model()).append(": ").append(r.firstError()).append('\n');
            }
        }
        return b.toString();
    }
}
