package dev.cotenant.bench.kernels;

import dev.cotenant.kernels.GemmEpilogue;
import dev.cotenant.kernels.Sgemm;
import dev.cotenant.kernels.Workers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A . B} on packed operands, at the shapes of ResNet-50's convolutions (A the weights,
 * cout x cin.kh.kw; B the im2col columns, cin.kh.kw x oh.ow) and of BERT-base's linear layers at
 * sequence length 128 (A the activations, 128 x in; B the weights), and one large square. Packing is
 * outside the timed region: weights are packed once when a model is planned, and the packing of the
 * other operand is measured by the convolution benchmarks, which time the whole operator.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SgemmBenchmark {

    /** {@code name:MxNxK}. */
    @Param({"resnet50.conv1:64x12544x147", "resnet50.layer1.expand:256x3136x64", "resnet50.layer1.reduce:64x3136x256",
            "resnet50.layer3.3x3:256x196x2304", "resnet50.layer4.3x3:512x49x4608",
            "bert-base.qkv:128x768x768", "bert-base.ffn-in:128x3072x768", "bert-base.ffn-out:128x768x3072",
            "square:1024x1024x1024"})
    public String shape;

    @Param({"1"})
    public int threads;

    int m;
    int n;
    int k;
    float[] pa;
    float[] pb;
    float[] c;
    Workers workers;

    /** M, N and K of a {@code name:MxNxK} parameter. */
    public static int[] dims(String shape) {
        String[] p = shape.substring(shape.indexOf(':') + 1).split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    /** FLOPs of one multiply (a multiply-add counts 2). */
    public static double flops(String shape) {
        int[] d = dims(shape);
        return 2.0 * d[0] * d[1] * d[2];
    }

    @Setup(Level.Trial)
    public void setup() {
        int[] d = dims(shape);
        m = d[0];
        n = d[1];
        k = d[2];
        workers = Workers.create(threads);
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble(-1, 1);
        }
        pa = new float[Sgemm.packedASize(m, k)];
        pb = new float[Sgemm.packedBSize(k, n)];
        c = new float[m * n];
        Sgemm.packA(a, 0, k, false, m, k, 1f, pa, 0, workers);
        Sgemm.packB(b, 0, n, false, k, n, pb, 0, workers);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    @Benchmark
    public float[] multiply() {
        Sgemm.multiply(m, n, k, pa, 0, pb, 0, c, 0, n, false, GemmEpilogue.NONE, 0, workers);
        return c;
    }
}
