package dev.cotenant.bench;

import dev.cotenant.ir.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cotenant and ONNX Runtime on the same file, the same inputs and the same thread count, run by
 * run. Warm-up is at least the asked number of runs and at least two seconds of Cotenant's
 * time, since a small model needs many runs before the JIT has compiled its kernels. The machine this runs on is usually shared and its clock drifts, so the two sides are never
 * timed in separate phases: after warm-up they alternate, and the order within each pair flips
 * every pair (ABBA), so neither side always runs right after the other's caches or spinning
 * threads. Between runs the benchmark pauses {@value #PAUSE_MS} ms, untimed, so that worker threads
 * of the side that just ran (both engines spin briefly before parking) have gone quiet. Medians,
 * not means, summarise the samples: a run disturbed by another process moves the mean, not the
 * median.
 */
public final class SideBySide {

    /** Receives one call per step, for a progress bar. */
    @FunctionalInterface
    public interface Listener {
        void step(String what);
    }

    static final long PAUSE_MS = 5;
    static final long WARM_NANOS = 2_000_000_000L;
    static final int MAX_WARMUP = 200;

    private SideBySide() {}

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
                    Workload w = Workload.prepare(model, batch, s.seq(), tmp);
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

    static Row row(Workload w, int threads, Settings s, Listener l) {
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
            // Warm-up lasts its runs and at least WARM_NANOS of Cotenant's time, so the JIT has
            // compiled the kernels of a small model before timing starts. An even count keeps ABBA.
            int warm = 0;
            long cotenantWarm = 0;
            while (warm < s.warmup() || cotenantWarm < WARM_NANOS && warm < MAX_WARMUP || warm % 2 == 1) {
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
            }
            for (int i = 0; i < s.runs(); i++) {
                for (int j = 0; j < sides.size(); j++) {
                    // ABBA: the side that ran second in this pair runs first in the next.
                    Side side = sides.get(i % 2 == 0 ? j : sides.size() - 1 - j);
                    l.step(where + " " + side.engine());
                    Thread.sleep(PAUSE_MS);
                    long t0 = System.nanoTime();
                    side.run();
                    samples.get(side.engine())[i] = System.nanoTime() - t0;
                }
            }
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

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder left behind is harmless.
        }
    }
}
