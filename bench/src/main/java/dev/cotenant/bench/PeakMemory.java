package dev.cotenant.bench;

import dev.cotenant.io.Npy;
import dev.cotenant.ir.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Peak resident memory of one engine running one workload, measured honestly: each engine runs
 * alone in a fresh child JVM (same JVM and flags as the benchmark), which loads the model, runs it
 * {@value #RUNS} times, and reports the kernel's high-water mark of its resident set ({@code VmHWM}
 * in {@code /proc/self/status}). That counts everything the engine touches: Java heap, native
 * allocations, thread stacks, the loaded model's bytes. The inputs reach the child as .npy files, so
 * that the ONNX Runtime child never loads the model through Cotenant's importer. Both children pay
 * the same JVM start-up footprint; {@link #baseline()} measures it by a child that only reads the
 * inputs, so readers can subtract it.
 */
public final class PeakMemory {

    static final int RUNS = 3;
    static final String BARE = "none";

    private static final Map<String, Long> BASELINE = new LinkedHashMap<>();

    private PeakMemory() {}

    /** How the figures were taken, for reports. */
    public static String method() {
        return "peak RSS: VmHWM of a fresh child JVM per engine that loads the model and runs it " + RUNS
                + " times (JVM start-up included in both; a bare JVM reading the inputs peaks at "
                + mib(baseline()) + ")";
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** Peak resident bytes of a child JVM that only starts and reads small inputs; -1 where unknown. */
    public static synchronized long baseline() {
        return BASELINE.computeIfAbsent(BARE, k -> {
            Map<String, Tensor> one = Map.of("x", Tensor.of(new float[] {1f}, 1));
            return measure(BARE, new ModelCase("bare", Path.of("none.onnx"), 1, one), 1);
        });
    }

    /** Peak resident bytes of {@code engine} on {@code w} in a child JVM; -1 where /proc is missing. */
    static long measure(String engine, ModelCase w, int threads) {
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            return -1;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("cotenant-peak");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) {
                    cmd.add(a);
                }
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(PeakMemory.class.getName());
            cmd.add(engine);
            cmd.add(w.file().toAbsolutePath().toString());
            cmd.add(Integer.toString(w.batch()));
            cmd.add(Integer.toString(threads));
            int i = 0;
            for (Map.Entry<String, Tensor> e : w.feeds().entrySet()) {
                Path f = dir.resolve("input" + i++ + ".npy");
                Npy.write(e.getValue(), f);
                cmd.add(e.getKey() + "=" + f);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("peak-memory child for " + engine + " failed: " + out.strip());
            }
            for (String line : out.split("\n")) {
                if (line.startsWith("peak-bytes ")) {
                    return Long.parseLong(line.substring(11).strip());
                }
            }
            throw new IllegalStateException("peak-memory child for " + engine + " said no figure: " + out.strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // Leftover temporary inputs are harmless.
                }
            }
        }
    }

    /** The child: {@code ENGINE FILE BATCH THREADS NAME=FILE.npy...}; prints {@code peak-bytes N}. */
    public static void main(String[] args) throws Exception {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            feeds.put(args[i].substring(0, eq), Npy.read(Path.of(args[i].substring(eq + 1))));
        }
        if (!args[0].equals(BARE)) {
            ModelCase w = new ModelCase("child", Path.of(args[1]), Integer.parseInt(args[2]), feeds);
            try (Side s = Side.open(args[0], w, Integer.parseInt(args[3]))) {
                for (int i = 0; i < RUNS; i++) {
                    s.run();
                }
            }
        }
        System.out.println("peak-bytes " + highWaterMark());
        System.exit(0);
    }

    private static long highWaterMark() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
            }
        }
        return -1;
    }
}
