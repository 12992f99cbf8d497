package dev.cotenant.server.load;

import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.TensorSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * A load generator for a server's infer endpoint, over REST or gRPC, in the spirit of MLPerf's
 * server scenario: per model, either open-loop Poisson arrivals at a fixed rate (latency counted
 * from the scheduled send time, so a slow server cannot hide queueing by slowing the client) or a
 * closed loop of C clients each sending its next request when the previous one is answered (20 ms
 * later when it was refused); or one open-loop stream whose every arrival goes to every model at
 * once (a camera frame that a classifier, a detector and a segmenter all see). Inputs are random,
 * shaped from the model's metadata, sent as raw tensors (REST's binary extension, gRPC's
 * {@code raw_input_contents}).
 */
public final class LoadGenerator implements AutoCloseable {

    /** How the generator talks to the server. */
    public enum Protocol {
        REST,
        GRPC;

        /** {@code rest} or {@code grpc}; anything else is an error naming the option. */
        public static Protocol parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "rest", "http" -> REST;
                case "grpc" -> GRPC;
                default -> throw new ModelException("--protocol '" + s + "': expected rest or grpc");
            };
        }
    }

    /**
     * What to send.
     *
     * @param url         REST: the server's base URL, e.g. {@code http://127.0.0.1:8000}; gRPC:
     *                    {@code host:port} of its gRPC port
     * @param protocol    REST or gRPC
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
     * @param token       a bearer token sent with every request, or null
     * @param caCert      speak TLS and trust only the certificates in this PEM file (REST: an
     *                    {@code https://} URL), or null: gRPC in plaintext, HTTPS with the JDK's trust
     * @param frameDeadlineMs with {@code together}: the frame report counts the frames whose every
     *                    answer came back within this many milliseconds of the frame's arrival; 0:
     *                    none (frames are still counted, none is judged)
     */
    public record Options(String url, Protocol protocol, List<String> models, List<Double> rates, int concurrency, Duration duration,
                          int batch, long seed, boolean together, Map<String, Double> sloMs, String token, Path caCert,
                          double frameDeadlineMs) {
        public Options {
            sloMs = Map.copyOf(sloMs);
            models = List.copyOf(models);
            rates = List.copyOf(rates);
        }

        /** Options without a frame deadline. */
        public Options(String url, Protocol protocol, List<String> models, List<Double> rates, int concurrency, Duration duration,
                       int batch, long seed, boolean together, Map<String, Double> sloMs, String token, Path caCert) {
            this(url, protocol, models, rates, concurrency, duration, batch, seed, together, sloMs, token, caCert, 0);
        }

        public Options(String url, List<String> models, List<Double> rates, int concurrency, Duration duration, int batch, long seed) {
            this(url, Protocol.REST, models, rates, concurrency, duration, batch, seed, false, Map.of(), null, null, 0);
        }

        /** These options at other per-model rates (one step of a sweep). */
        public Options withRates(List<Double> r) {
            return new Options(url, protocol, models, r, concurrency, duration, batch, seed, together, sloMs, token, caCert, frameDeadlineMs);
        }

        /** How the load is offered, for reports. */
        public String mode() {
            return together ? "open-loop-together" : !rates.isEmpty() ? "open-loop" : "closed-loop";
        }
    }

    /**
     * What one model saw. Latencies in milliseconds; {@code sloMs} is the bound it was judged by (0:
     * none), {@code withinSlo} the answers within it and {@code goodput} those per second (both 0
     * without a bound). {@code firstError} says in words the first thing that went wrong, or is null.
     */
    public record ModelReport(String model, long sent, long ok, long rejected, long errors, long lost, double throughput,
                              double p50, double p90, double p99, double max, String firstError, double sloMs, long withinSlo,
                              double goodput) {}

    /**
     * What the frames of a {@code together} run saw: a frame is complete when every model answered
     * its request OK, failed when any of them was refused or failed, lost otherwise (some answer
     * never came). Latencies, in milliseconds over the complete frames, run from the frame's
     * scheduled arrival to its last answer. {@code deadlineMs} is the bound frames were judged by
     * (0: none), {@code withinDeadline} the complete frames within it and {@code withinDeadlineShare}
     * their share of the frames sent (both 0 without a bound).
     */
    public record FrameReport(long sent, long complete, long failed, long lost, double p50, double p90, double p99, double max,
                              double deadlineMs, long withinDeadline, double withinDeadlineShare) {}

    private static final long REFUSED_BACKOFF_MS = 20;

    /** The frame deadline's errors, said the same way by the command line and here. */
    public static final String FRAME_DEADLINE_TOGETHER =
            "--frame-deadline-ms judges frames, which only --together sends: add --together or drop --frame-deadline-ms";
    public static final String FRAME_DEADLINE_POSITIVE = "--frame-deadline-ms must be a positive number of milliseconds, not ";

    private final Options options;
    private final Transport<Object> transport;
    /** The frames of a together run, null otherwise; a fresh count on every {@link #run}. */
    private volatile Frames frames;

    @SuppressWarnings("unchecked")
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
        if (!(options.frameDeadlineMs() >= 0) || Double.isInfinite(options.frameDeadlineMs())) {
            throw new ModelException(FRAME_DEADLINE_POSITIVE + options.frameDeadlineMs());
        }
        if (options.frameDeadlineMs() > 0 && !options.together()) {
            throw new ModelException(FRAME_DEADLINE_TOGETHER);
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
        this.transport = (Transport<Object>) switch (options.protocol()) {
            case REST -> {
                if (!options.url().matches("https?://.+")) {
                    throw new ModelException("--url '" + options.url() + "': REST needs http://HOST:PORT (the server's REST port)");
                }
                if (options.caCert() != null && !options.url().startsWith("https://")) {
                    throw new ModelException("--ca-cert is for TLS: give the server as https://HOST:PORT, not " + options.url());
                }
                yield new RestTransport(options.url(), options.token(), options.caCert() == null ? null : Trust.of(options.caCert()));
            }
            case GRPC -> {
                if (!options.url().matches("[^/:]+:\\d+")) {
                    throw new ModelException("--url '" + options.url() + "': gRPC needs HOST:PORT of the server's gRPC port, e.g. 127.0.0.1:8001");
                }
                yield new GrpcTransport(options.url(), options.token(), options.caCert());
            }
        };
    }

    /** Runs the load and returns one report per model. */
    public List<ModelReport> run() throws InterruptedException {
        List<Target> targets = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(options.seed());
        for (String m : options.models()) {
            targets.add(new Target(m, request(m, rnd)));
        }
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        if (options.together()) {
            long seed = rnd.nextLong();
            Frames f = new Frames(options.frameDeadlineMs());
            frames = f;
            threads.add(Thread.ofPlatform().name("load-together").start(() -> openLoop(targets, end, seed, options.rates().getFirst(), f)));
        }
        for (int k = 0; k < targets.size() && !options.together(); k++) {
            Target t = targets.get(k);
            if (!options.rates().isEmpty()) {
                long seed = rnd.nextLong();
                double rate = options.rates().get(k);
                threads.add(Thread.ofPlatform().name("load-" + t.model).start(() -> openLoop(List.of(t), end, seed, rate, null)));
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
                try {
                    f.get(Math.max(1, grace - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // counted below
                }
            }
        }
        double seconds = Math.min((System.nanoTime() - start) / 1e9, options.duration().toNanos() / 1e9 + 0.001);
        List<ModelReport> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(t.report(seconds, options.sloMs().getOrDefault(t.model, 0.0)));
        }
        return out;
    }

    /**
     * What the frames of the last {@link #run} saw; null unless the options send {@code together}
     * (or before a run). Call it after {@code run}: answers that never came are then counted lost.
     */
    public FrameReport frames() {
        Frames f = frames;
        return f == null ? null : f.report();
    }

    @Override
    public void close() {
        transport.close();
    }

    /** The request sent to model {@code m} again and again: random inputs shaped from its metadata. */
    private Object request(String m, SplittableRandom rnd) {
        List<TensorSpec> specs = transport.inputs(m);
        List<Tensor> tensors = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (TensorSpec in : specs) {
            long[] shape = new long[in.shape().length];
            for (int i = 0; i < shape.length; i++) {
                long d = in.shape()[i];
                shape[i] = d >= 0 ? d : i == 0 ? options.batch() : 1;
            }
            Datatype dt = in.datatype();
            Tensor x = Tensor.allocate(dt.engine(), Arrays.stream(shape).mapToInt(v -> (int) v).toArray());
            String name = in.name().toLowerCase(Locale.ROOT);
            for (int i = 0; i < x.size(); i++) {
                if (dt == Datatype.BOOL || name.contains("mask")) {
                    x.setLong(i, 1);
                } else if (dt.engine().isFloat()) {
                    x.setDouble(i, rnd.nextDouble());
                } else {
                    x.setLong(i, name.contains("type") ? 0 : rnd.nextInt(100));
                }
            }
            tensors.add(x);
            shapes.add(shape);
        }
        return transport.prepare(m, specs, tensors, shapes);
    }

    /** One model's request and what became of its copies. */
    private static final class Target {
        final String model;
        final Object request;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<CompletableFuture<?>> outstanding = new ConcurrentLinkedQueue<>();
        volatile String firstError;

        Target(String model, Object request) {
            this.model = model;
            this.request = request;
        }

        void record(long scheduled, Transport.Outcome o) {
            long lat = System.nanoTime() - scheduled;
            switch (o.kind()) {
                case OK -> {
                    ok.incrementAndGet();
                    latencies.add(lat);
                }
                case REJECTED -> rejected.incrementAndGet();
                case ERROR -> errors.incrementAndGet();
            }
            if (o.problem() != null && firstError == null) {
                firstError = o.problem();
            }
        }

        ModelReport report(double seconds, double slo) {
            long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long answered = ok.get() + rejected.get() + errors.get();
            long within = 0;
            for (long l : lat) {
                within += slo > 0 && l <= slo * 1e6 ? 1 : 0;
            }
            return new ModelReport(model, sent.get(), ok.get(), rejected.get(), errors.get(), sent.get() - answered, ok.get() / seconds,
                    pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, firstError, slo, within,
                    within / seconds);
        }
    }

    /** The {@code p}th percentile of sorted nanoseconds, in milliseconds (0 when there are none). */
    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /**
     * Poisson arrivals at {@code rate}; each arrival sends one request to every one of {@code
     * targets}, and with {@code frames} (together mode, else null) is one frame of them.
     */
    private void openLoop(List<Target> targets, long end, long seed, double rate, Frames frames) {
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
            Frames.Frame frame = frames == null ? null : frames.start(scheduled, targets.size());
            for (Target t : targets) {
                t.sent.incrementAndGet();
                CompletableFuture<?> f = transport.send(t.request).thenAccept(o -> {
                    t.record(scheduled, o);
                    if (frame != null) {
                        frames.answered(frame, o.kind(), System.nanoTime());
                    }
                });
                t.outstanding.add(f);
                t.outstanding.removeIf(CompletableFuture::isDone);
            }
        }
    }

    private void closedLoop(Target t, long end) {
        while (System.nanoTime() < end) {
            long s = System.nanoTime();
            t.sent.incrementAndGet();
            Transport.Outcome o = transport.send(t.request).join();
            t.record(s, o);
            if (o.kind() != Transport.Kind.OK) {
                try {
                    Thread.sleep(REFUSED_BACKOFF_MS); // a refused or failed client backs off briefly instead of hammering the door
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
