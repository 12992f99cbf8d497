package dev.cotenant.bench;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cotenant and ONNX Runtime on the same file, the same inputs and the same thread count, run by
 * run. Warm-up is at least the asked number of runs and at least two seconds of Cotenant's
 * time, since a small model needs many runs before the JIT has compiled its kernels. The machine this runs on is usually shared and its clock drifts, so the two sides are never
 * timed in separate phases: after warm-up they alternate, in blocks of {@value #BLOCK} timed runs,
 * and the order of the blocks flips every pair (ABBA). Blocks rather than single runs because ONNX
 * Runtime's idle worker threads spin for a long time after a run (its default, which it needs for
 * its own speed) and took the second core from every Cotenant run that followed: MobileNetV2 at 2
 * threads measured 11.9 ms alternating run by run, 6.5 ms with ONNX Runtime's spinning turned off
 * and 6.1 ms with no peer at all, while ONNX Runtime lost 27% without spinning. So before each
 * block the benchmark pauses {@value #BLOCK_PAUSE_MS} ms, untimed, until the other side's threads
 * have gone quiet, and runs once untimed so that neither side is timed cold; within a block the
 * runs follow each other as requests do on a busy server. Medians, not means, summarise the
 * samples: a run disturbed by another process moves the mean, not the median.
 */
public final class SideBySide {

    /** Receives one call per step, for a progress bar. */
    @FunctionalInterface
    public interface Listener {
        void step(String what);
    }

    static final int BLOCK = 4;
    static final long BLOCK_PAUSE_MS = 500;
    static final long WARM_NANOS = 2_000_000_000L;
    static final int MAX_WARMUP = 200;
    static final long MAX_WARM_SECONDS = 30;

    private SideBySide() {}

    /** The JIT's total compilation time so far (ms), or -1 where the JVM does not say. */
    private static long compilationMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /**
     * Whether the JIT is compiling or has methods queued (the JVM's {@code Compiler.queue}
     * diagnostic command names each task {@code Class::method}). Total compilation time alone
     * misses a long compile still running, and a queue that waits for it: with two cores the queue
     * of vector kernels took over 30 s to drain when several models shared the JVM.
     */
    private static boolean compiling() {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            Object text = server.invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerQueue", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return text instanceof String q && q.contains("::");
        } catch (javax.management.JMException | RuntimeException e) {
            return false;
        }
    }

    /** Total progress steps for the given rows. */
    public static int steps(int rows, Settings s) {
        return rows * s.stepsPerRow();
    }

    /**
     * Runs every model at every batch size and thread count, in that nesting. A zoo model is
     * exported once per batch size, to a temporary folder removed afterwards.
     */
    public static List<Row> run(List<String> models, List<Integer> batches, List<Integer> threads, Settings s, Listener l) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("cotenant-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<Row> rows = new ArrayList<>();
            for (String model : models) {
                for (int batch : batches) {
                    ModelCase w = ModelCase.prepare(model, batch, s.seq(), s.dims(), tmp);
                    for (int t : threads) {
                        rows.add(row(w, t, s, l));
                    }
                }
            }
            return rows;
        } finally {
            delete(tmp);
        }
    }

    static Row row(ModelCase w, int threads, Settings s, Listener l) {
        if (threads < 1) {
            throw new ModelException("threads " + threads + ": expected at least 1");
        }
        List<String> engines = s.peer() ? List.of(CotenantSide.NAME, OnnxRuntimeSide.NAME) : List.of(CotenantSide.NAME);
        Map<String, long[]> samples = new LinkedHashMap<>();
        List<Side> sides = new ArrayList<>();
        try {
            for (String e : engines) {
                sides.add(Side.open(e, w, threads));
                samples.put(e, new long[s.runs()]);
            }
            String where = w.label() + " b" + w.batch() + " t" + threads;
            warmUp(sides, s, where, l);
            time(sides, samples, s, where, l);
        } catch (ModelException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new ModelException(w.label() + ": " + e.getMessage());
        } finally {
            sides.forEach(Side::close);
        }
        long cMem = -1;
        long oMem = -1;
        if (s.memory()) {
            l.step(w.label() + " peak memory " + CotenantSide.NAME);
            cMem = PeakMemory.measure(CotenantSide.NAME, w, threads);
            if (s.peer()) {
                l.step(w.label() + " peak memory " + OnnxRuntimeSide.NAME);
                oMem = PeakMemory.measure(OnnxRuntimeSide.NAME, w, threads);
            }
        }
        long[] o = samples.get(OnnxRuntimeSide.NAME);
        return new Row(w.label(), w.batch(), threads, new Samples(samples.get(CotenantSide.NAME)),
                o == null ? null : new Samples(o), cMem, oMem);
    }

    /**
     * Warm-up lasts its runs, at least WARM_NANOS of Cotenant's time, and until a round compiles
     * nothing (at most MAX_WARM_SECONDS), so the JIT has compiled the kernels before timing starts.
     * An even count keeps ABBA.
     */
    private static void warmUp(List<Side> sides, Settings s, String where, Listener l) throws Exception {
        int warm = 0;
        long cotenantWarm = 0;
        long warmStart = System.nanoTime();
        long compiled = compilationMillis();
        boolean jitBusy = compiled >= 0;
        while (warm < s.warmup() || cotenantWarm < WARM_NANOS && warm < MAX_WARMUP || warm % 2 == 1
                || jitBusy && warm < MAX_WARMUP && System.nanoTime() - warmStart < MAX_WARM_SECONDS * 1_000_000_000L) {
            for (int j = 0; j < sides.size(); j++) {
                Side side = sides.get(warm % 2 == 0 ? j : sides.size() - 1 - j);
                if (warm < s.warmup()) {
                    l.step(where + " warm-up " + side.engine());
                }
                long t0 = System.nanoTime();
                side.run();
                if (side.engine().equals(CotenantSide.NAME)) {
                    cotenantWarm += System.nanoTime() - t0;
                }
            }
            warm++;
            long now = compilationMillis();
            jitBusy = now >= 0 && now != compiled || compiling();
            compiled = now;
        }
    }

    /**
     * Timed runs come in blocks of BLOCK runs of one side, blocks alternating ABBA, with a pause
     * before each block and one untimed run at its start (see the class comment); each side's
     * run times go to its array in {@code samples}.
     */
    private static void time(List<Side> sides, Map<String, long[]> samples, Settings s, String where, Listener l) throws Exception {
        int[] done = new int[sides.size()];
        for (int b = 0; Arrays.stream(done).min().orElse(s.runs()) < s.runs(); b++) {
            for (int j = 0; j < sides.size(); j++) {
                int k = b % 2 == 0 ? j : sides.size() - 1 - j;
                Side side = sides.get(k);
                if (done[k] >= s.runs()) {
                    continue;
                }
                l.step(where + " " + side.engine());
                Thread.sleep(BLOCK_PAUSE_MS);
                side.run();
                for (int r = 0; r < BLOCK && done[k] < s.runs(); r++) {
                    long t0 = System.nanoTime();
                    side.run();
                    samples.get(side.engine())[done[k]++] = System.nanoTime() - t0;
                }
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
        }
    }
}
