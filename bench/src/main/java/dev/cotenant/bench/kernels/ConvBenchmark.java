package dev.cotenant.bench.kernels;

import static dev.cotenant.ir.GraphBuilder.i;
import static dev.cotenant.ir.GraphBuilder.ints;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import dev.cotenant.passes.Passes;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Planner;
import dev.cotenant.runtime.Step;
import java.util.List;
import java.util.Map;
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
 * MobileNetV2's convolutions as whole operators (the one step of a one-node plan, run directly so
 * that the plan's copy of its input into the arena is not timed: what a model run pays for the
 * layer, its input packing and fused bias and ReLU6 included): the depthwise 3x3 of its bottlenecks at stride 1 and
 * 2, and the pointwise 1x1 expansions and projections.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {

    /** {@code name:CIN>COUT@HWsS:KxK[dw]}: channels in and out, input size, stride, kernel, depthwise or not. */
    @Param({"dw.block2:96>96@112s2:3dw", "dw.block3:144>144@56s1:3dw", "dw.block14:576>576@14s1:3dw", "dw.block17:960>960@7s1:3dw",
            "pw.block2.expand:16>96@112s1:1", "pw.block3.project:144>24@56s1:1", "pw.block14.expand:96>576@14s1:1",
            "pw.last:320>1280@7s1:1"})
    public String conv;

    @Param({"1"})
    public int threads;

    Workers workers;
    Plan plan;
    Step step;
    Map<String, Tensor> feeds;

    record Spec(int cin, int cout, int hw, int stride, int kernel, boolean depthwise) {
        int out() {
            return (hw + 2 * (kernel / 2) - kernel) / stride + 1;
        }

        /** Multiply-adds count 2. */
        double flops() {
            double perOut = 2.0 * kernel * kernel * (depthwise ? 1 : cin);
            return perOut * cout * out() * out();
        }
    }

    static Spec spec(String conv) {
        String s = conv.substring(conv.indexOf(':') + 1);
        String[] io = s.split("[>@]");
        int cin = Integer.parseInt(io[0]);
        int cout = Integer.parseInt(io[1]);
        String[] rest = io[2].split("[s:]");
        int hw = Integer.parseInt(rest[0]);
        int stride = Integer.parseInt(rest[1]);
        boolean dw = rest[2].endsWith("dw");
        int k = Integer.parseInt(rest[2].replace("dw", ""));
        return new Spec(cin, cout, hw, stride, k, dw);
    }

    /** FLOPs of one run of the operator. */
    public static double flops(String conv) {
        return spec(conv).flops();
    }

    @Setup(Level.Trial)
    public void setup() {
        Spec s = spec(conv);
        GraphBuilder b = new GraphBuilder("conv", 1);
        String x = b.input("x", DataType.FLOAT, 1, s.cin(), s.hw(), s.hw());
        String w = b.normal("w", 0.1f, s.cout(), s.depthwise() ? 1 : s.cin(), s.kernel(), s.kernel());
        String bias = b.normal("b", 0.1f, s.cout());
        int p = s.kernel() / 2;
        String y = b.node("Conv", List.of(x, w, bias), Map.of("kernel_shape", ints(s.kernel(), s.kernel()),
                "strides", ints(s.stride(), s.stride()), "pads", ints(p, p, p, p), "group", i(s.depthwise() ? s.cin() : 1)));
        y = b.node("Clip", y, b.constant("lo", Tensor.scalar(0f)), b.constant("hi", Tensor.scalar(6f)));
        b.output(y);
        Model m = b.model(17);
        Tensor in = Tensor.allocate(DataType.FLOAT, 1, s.cin(), s.hw(), s.hw());
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < in.size(); i++) {
            in.setDouble(i, r.nextDouble());
        }
        feeds = Map.of("x", in);
        Map<String, TensorType> types = Map.of("x", new TensorType(DataType.FLOAT, Shape.of(in.shape())));
        workers = Workers.create(threads);
        plan = Planner.plan(Passes.optimize(m, types), types, workers);
        // The convolution with its ReLU6 fused is the step with the FLOPs; with 8-lane blocks the
        // planner may keep layout conversions around a lone convolution, which are not timed here.
        step = plan.steps().stream().max(java.util.Comparator.comparingLong(st -> st.op().cost().flops()))
                .orElseThrow(() -> new IllegalStateException("the convolution planned to no step"));
        if (!step.node().opType().contains("Conv")) {
            throw new IllegalStateException("expected a convolution step, got " + step.node().opType());
        }
        // Copies the input into the plan's arena once, so the timed calls run the operator alone.
        plan.run(feeds);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    @Benchmark
    public Tensor run() {
        step.op().run(step.inputs(), step.outputs(), workers);
        return step.outputs()[0];
    }
}
