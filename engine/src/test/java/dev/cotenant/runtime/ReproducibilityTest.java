package dev.cotenant.runtime;

import static dev.cotenant.ir.GraphBuilder.f;
import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model gives the same bits whether its kernels run interpreted or compiled by C2.
 *
 * <p>The Vector API's transcendental operators run a Java fallback until C2 compiles them and an
 * intrinsic after, and the two disagree in the last bits; a model using them gave different outputs
 * from run to run depending on how far the JIT had got. The cold run here is a separate JVM with
 * {@code -Xint}, so it is interpreted whatever other tests have already compiled in this one; the
 * warm runs repeat the model in this JVM until its kernels have had time to be compiled, and every
 * run's outputs must equal the cold run's bit for bit.
 *
 * <p>The graph passes every transcendental path of the kernels: each activation that uses exp,
 * expm1, tanh or log1p, the unary Exp, Log and Erf, softmax along the last axis and along another,
 * and an activation fused into a MatMul. Rows of 67 leave a tail after the whole vectors.
 */
class ReproducibilityTest {

    private static final int ROWS = 12;
    private static final int COLS = 67;
    private static final long WARM_NANOS = TimeUnit.SECONDS.toNanos(4);
    private static final int WARM_RUNS = 400;

    private static Model model() {
        GraphBuilder b = new GraphBuilder("transcendentals", 11);
        String x = b.input("x", DataType.FLOAT, ROWS, COLS);
        List<String> outs = new ArrayList<>();
        for (String op : List.of("Tanh", "Sigmoid", "Softplus", "Mish", "Exp", "Erf")) {
            outs.add(b.node(op, x));
        }
        outs.add(b.node("Elu", List.of(x), Map.of("alpha", f(1.3f))));
        outs.add(b.node("Selu", List.of(x), Map.of()));
        outs.add(b.node("Celu", List.of(x), Map.of("alpha", f(0.8f))));
        outs.add(b.node("Gelu", List.of(x), Map.of("approximate", s("tanh"))));
        outs.add(b.node("Gelu", List.of(x), Map.of()));
        outs.add(b.node("Log", b.node("Softplus", x)));
        outs.add(b.node("Softmax", List.of(x), Map.of("axis", i(-1))));
        outs.add(b.node("LogSoftmax", List.of(x), Map.of("axis", i(-1))));
        outs.add(b.node("Softmax", List.of(x), Map.of("axis", i(0))));
        String mm = b.node("MatMul", x, b.normal("w", 0.3f, COLS, 45));
        outs.add(b.node("Sigmoid", b.node("Add", mm, b.normal("bias", 0.1f, 45))));
        outs.forEach(b::output);
        return b.model(20);
    }

    private static Map<String, Tensor> feeds() {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[ROWS * COLS];
        for (int k = 0; k < v.length; k++) {
            // Mostly moderate values, some large enough to reach the functions' outer ranges.
            v[k] = (float) ((r.nextDouble() * 2 - 1) * (k % 7 == 0 ? 40 : 4));
        }
        return Map.of("x", Tensor.of(v, ROWS, COLS));
    }

    private static Plan plan(Workers workers) {
        Map<String, TensorType> types = Map.of("x", TensorType.of(DataType.FLOAT, ROWS, COLS));
        return Planner.plan(Passes.optimize(model(), types), types, workers);
    }

    /** Every output's bits, in the order of the outputs' names. */
    private static int[] bits(Plan plan, Map<String, Tensor> feeds) {
        Map<String, Tensor> out = new TreeMap<>(plan.run(feeds));
        List<Integer> all = new ArrayList<>();
        for (Tensor t : out.values()) {
            for (float v : t.toFloatArray()) {
                all.add(Float.floatToRawIntBits(v));
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The cold run: writes the outputs' bits to the file named by the argument. */
    public static void main(String[] args) throws IOException {
        int[] b = bits(plan(Workers.single()), feeds());
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            out.writeInt(b.length);
            for (int v : b) {
                out.writeInt(v);
            }
        }
    }

    private static int[] coldRun(Path file) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xint", "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), ReproducibilityTest.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the interpreted run did not finish");
        assertEquals(0, p.exitValue(), "the interpreted run failed:\n" + log);
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int[] b = new int[in.readInt()];
            for (int k = 0; k < b.length; k++) {
                b[k] = in.readInt();
            }
            return b;
        }
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits(@TempDir Path dir) throws Exception {
        int[] cold = coldRun(dir.resolve("cold.bin"));
        Map<String, Tensor> feeds = feeds();
        Plan plan = plan(Workers.single());
        long start = System.nanoTime();
        for (int run = 0; run < WARM_RUNS || System.nanoTime() - start < WARM_NANOS; run++) {
            int[] warm = bits(plan, feeds);
            assertEquals(cold.length, warm.length);
            for (int k = 0; k < cold.length; k++) {
                if (cold[k] != warm[k]) {
                    throw new AssertionError("run " + run + ", value " + k + ": " + Float.intBitsToFloat(warm[k])
                            + " here, " + Float.intBitsToFloat(cold[k]) + " interpreted");
                }
            }
        }
    }
}
