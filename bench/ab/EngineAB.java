import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Two builds of the engine side by side in one JVM: each engine's classes in a class loader of its
 * own, every model planned on both, then runs alternating between them (A B, B A, ...), so that a
 * host whose speed drifts from minute to minute slows both alike. Prints the fastest run, the 25th
 * percentile and the median of each.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -Dengines=A:B -Dcp=DEPS -Dharness=DIR
 * [-Dthreads=1] [-Druns=100] EngineAB MODEL.onnx ...}
 */
public final class EngineAB {

    public static void main(String[] args) throws Exception {
        String[] engines = System.getProperty("engines").split(":");
        String[] deps = System.getProperty("cp").split(":");
        Path harness = Path.of(System.getProperty("harness"));
        int threads = Integer.getInteger("threads", 1);
        int runs = Integer.getInteger("runs", 100);
        for (String model : args) {
            LongSupplier[] run = new LongSupplier[engines.length];
            for (int i = 0; i < engines.length; i++) {
                List<URL> urls = new ArrayList<>(List.of(Path.of(engines[i]).toUri().toURL(), harness.toUri().toURL()));
                for (String d : deps) {
                    if (!d.isBlank() && Files.exists(Path.of(d))) {
                        urls.add(Path.of(d).toUri().toURL());
                    }
                }
                ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
                run[i] = (LongSupplier) loader.loadClass("dev.cotenant.kernels.ModelRun").getConstructor(String.class, int.class)
                        .newInstance(model, threads);
            }
            for (int w = 0; w < 10; w++) {
                for (LongSupplier r : run) {
                    r.getAsLong();
                }
            }
            long[][] t = new long[engines.length][runs];
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < engines.length; k++) {
                    int i = r % 2 == 0 ? k : engines.length - 1 - k;
                    t[i][r] = run[i].getAsLong();
                }
            }
            StringBuilder b = new StringBuilder(Path.of(model).getFileName().toString());
            for (int i = 0; i < engines.length; i++) {
                long[] x = t[i].clone();
                Arrays.sort(x);
                b.append(String.format(" | %s: fastest %.2f, q25 %.2f, median %.2f ms", i == 0 ? "A" : "B", x[0] / 1e6, x[x.length / 4] / 1e6,
                        x[x.length / 2] / 1e6));
            }
            System.out.println(b);
        }
        System.exit(0);
    }
}
