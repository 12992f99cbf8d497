package dev.cotenant.gpusim.kernel;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ops.Cost;
import dev.cotenant.runtime.Plan;
import dev.cotenant.runtime.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a plan to GPU kernels: each step becomes an {@link OpWork} from its shapes and cost, and
 * {@link KernelShapes} turns works into kernels.
 *
 * <p>Two fusion styles. {@link Fusion#EAGER} launches what a framework in eager mode launches: a
 * kernel per operator (views such as Reshape cost nothing). {@link Fusion#ENGINE} fuses what an
 * inference engine such as TensorRT fuses, since the published figures we validate against come
 * from one: an elementwise operator whose input is the sole use of a matrix product's or another
 * elementwise kernel's output runs in that kernel's epilogue (bias, residual add, activation);
 * transposes next to matrix products fold into their addressing; and the attention pattern
 * (batched product of activations, elementwise, softmax, batched product) becomes one fused
 * attention kernel. Fused steps keep an empty kernel list; their work moves to the producer.
 */
public final class Lowering {

    /** Which operators share a kernel. */
    public enum Fusion {
        EAGER, ENGINE;

        /** The kernels {@code runtime} launches: a framework's per operator, else an engine's fused. */
        public static Fusion of(dev.cotenant.gpusim.hardware.HostRuntime runtime) {
            return runtime.perOperatorKernels() ? EAGER : ENGINE;
        }
    }

    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Relu", "Gelu", "Sigmoid", "Tanh",
            "Erf", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sqrt", "Pow", "Cast", "Neg", "Exp", "Log", "Abs",
            "Elu", "Selu", "Softplus", "Mish", "Swish", "PRelu", "Where", "Min", "Max", "Reciprocal");
    private static final Set<String> ROWS = Set.of("Softmax", "LogSoftmax", "LayerNormalization", "InstanceNormalization",
            "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL2", "ReduceL1", "ReduceSumSquare", "ReduceLogSumExp", "ArgMax", "ArgMin");

    private Lowering() {}

    /** Lowers every step of {@code plan} for tenant {@code name}. */
    public static LoweredModel lower(String name, Plan plan, Precision precision, Gpu gpu, Fusion fusion) {
        if (plan.interpreted()) {
            throw new dev.cotenant.ir.ModelException("tenant '" + name
                    + "': its shapes depend on input values, so its operators cannot be lowered to GPU kernels ahead of time");
        }
        List<Step> steps = plan.steps();
        Set<String> constants = plan.model().graph().initializers().keySet();
        Map<String, Integer> uses = new HashMap<>();
        for (Step s : steps) {
            for (String in : s.node().inputs()) {
                uses.merge(in, 1, Integer::sum);
            }
        }
        plan.model().graph().outputs().forEach(v -> uses.merge(v.name(), 1, Integer::sum));

        List<OpWork> works = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();       // work index -> step index
        int[] stepWork = new int[steps.size()];         // step index -> work index or -1
        Map<String, Integer> producer = new HashMap<>(); // value -> work index
        Map<Integer, OpWork.Gemm> openAttention = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            Node node = s.node();
            String label = name + "/" + node.label();
            stepWork[i] = -1;
            OpWork work = work(label, s);
            boolean engine = fusion == Fusion.ENGINE;
            if (work == null || engine && "Transpose".equals(node.opType()) && nextToProduct(s, steps, producer, works)) {
                // A view (or a transpose folded into a product): its output comes from its input's producer.
                Integer p = node.inputs().isEmpty() ? null : producer.get(node.inputs().getFirst());
                if (p != null) {
                    node.outputs().forEach(o -> producer.put(o, p));
                }
                continue;
            }
            if (engine) {
                Integer fused = fuseInto(s, work, works, producer, uses, openAttention, constants);
                if (fused != null) {
                    node.outputs().forEach(o -> producer.put(o, fused));
                    continue;
                }
            }
            if (work instanceof OpWork.Gemm g && g.activations()) {
                openAttention.put(works.size(), g);
            }
            node.outputs().forEach(o -> producer.put(o, works.size()));
            stepWork[i] = works.size();
            works.add(work);
            owner.add(i);
        }
        List<List<Kernel>> perStep = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            perStep.add(stepWork[i] < 0 ? List.of() : KernelShapes.kernels(works.get(stepWork[i]), precision, gpu));
        }
        List<String> operators = steps.stream().map(s -> s.node().opType() + " " + s.node().label()).toList();
        return new LoweredModel(name, precision, operators, perStep);
    }

    private static boolean nextToProduct(Step s, List<Step> steps, Map<String, Integer> producer, List<OpWork> works) {
        Integer p = producer.get(s.node().inputs().getFirst());
        if (p != null && (works.get(p) instanceof OpWork.Gemm || works.get(p) instanceof OpWork.Attention)) {
            return true;
        }
        String out = s.node().outputs().getFirst();
        for (Step t : steps) {
            if (t.node().opType().equals("MatMul") && t.node().inputs().contains(out)) {
                return true;
            }
        }
        return false;
    }

    /** Fuses {@code work} of step {@code s} into an earlier work when the engine would; returns its index. */
    private static Integer fuseInto(Step s, OpWork work, List<OpWork> works, Map<String, Integer> producer,
                                    Map<String, Integer> uses, Map<Integer, OpWork.Gemm> openAttention, Set<String> constants) {
        Node node = s.node();
        String op = node.opType();
        if (ELEMENTWISE.contains(op) && work instanceof OpWork.Map) {
            for (int j = 0; j < node.inputs().size(); j++) {
                String in = node.inputs().get(j);
                Integer p = producer.get(in);
                if (p == null || uses.getOrDefault(in, 0) != 1 || s.inputs()[j] == null) {
                    continue;
                }
                OpWork host = works.get(p);
                if (host instanceof OpWork.Gemm || host instanceof OpWork.Map || host instanceof OpWork.Attention) {
                    // The intermediate is neither written nor read back; the other operands are read.
                    double saved = 2.0 * 4 * s.inputs()[j].size();
                    works.set(p, host.plus(work.flops(), Math.max(0, work.bytes() - saved)));
                    return p;
                }
            }
            return null;
        }
        if (op.equals("Softmax") && work instanceof OpWork.Rows) {
            Integer p = producer.get(node.inputs().getFirst());
            if (p != null && openAttention.containsKey(p) && uses.getOrDefault(node.inputs().getFirst(), 0) == 1) {
                OpWork.Gemm g = openAttention.get(p);
                works.set(p, new OpWork.Attention(g.name(), g.batch(), g.m(), g.n(), g.k(), works.get(p).flops() + work.flops(),
                        g.inputBytes()));
                return p;
            }
            return null;
        }
        if (op.equals("MatMul") && work instanceof OpWork.Gemm g) {
            Integer p = producer.get(node.inputs().getFirst());
            if (p != null && works.get(p) instanceof OpWork.Attention a && openAttention.remove(p) != null
                    && !constants.contains(node.inputs().get(1))) {
                // Reads V and writes the output; the probabilities never leave the SM.
                double vo = 4.0 * (s.inputs()[1].size() + s.outputs()[0].size());
                works.set(p, a.plus(g.flops(), vo));
                return p;
            }
        }
        return null;
    }

    /** What one step asks of the GPU; null when nothing (a view, or a step without cost). */
    static OpWork work(String label, Step s) {
        Cost c = s.op().cost();
        if (s.op().aliasOf() >= 0 || c.flops() == 0 && c.bytes() == 0) {
            return null;
        }
        Node node = s.node();
        String op = node.opType();
        Tensor[] in = s.inputs();
        Tensor y = s.outputs()[0];
        double flops = c.flops();
        double bytes = c.bytes();
        switch (op) {
            // The CPU engine's channel-blocked layout (engine passes.BlockedLayout): its conversions
            // do not exist on a GPU, and its convolutions and pools are the operators they replace.
            case "ToBlocked", "FromBlocked" -> {
                return null;
            }
            case "BlockedConv" -> {
                int[] w = in[1].shape();
                int[] ys = y.shape();
                long group = node.attributes().get("group") instanceof dev.cotenant.ir.Attribute.Int g ? g.value() : 1;
                long outSize = (long) ys[2] * ys[3];
                if (group > 1) {
                    return new OpWork.Map(label, (long) ys[0] * w[0] * outSize, flops, bytes);
                }
                return new OpWork.Gemm(label, 1, (long) ys[0] * outSize, w[0], (long) w[1] * w[2] * w[3], flops, bytes, false, 0);
            }
            case "BlockedGlobalAveragePool" -> {
                int[] x = in[0].shape();
                long rows = (long) y.size();
                return new OpWork.Rows(label, rows, (long) x[2] * x[3], flops, bytes);
            }
            case "Conv", "FusedConv" -> {
                int[] x = in[0].shape();
                int[] w = in[1].shape();
                int groups = x[1] / w[1];
                long outSize = size(y.shape(), 2);
                long window = size(w, 2);
                if (groups > 1 && groups == x[1]) {
                    return new OpWork.Map(label, y.size(), flops, bytes);
                }
                return new OpWork.Gemm(label, groups, (long) x[0] * outSize, w[0] / groups, (long) w[1] * window, flops, bytes,
                        false, 0);
            }
            case "ConvTranspose" -> {
                long m = (long) y.dim(0) * size(y.shape(), 2);
                long n = y.dim(1);
                return new OpWork.Gemm(label, 1, m, n, Math.max(1, (long) (flops / (2.0 * m * n))), flops, bytes, false, 0);
            }
            case "MatMul", "FusedMatMul" -> {
                int[] a = in[0].shape();
                int[] b = in[1].shape();
                long k = a[a.length - 1];
                if (b.length <= 2) {
                    long n = b[b.length - 1];
                    return new OpWork.Gemm(label, 1, in[0].size() / k, n, k, flops, bytes, false, 0);
                }
                int[] ys = y.shape();
                long m = ys[ys.length - 2];
                long n = ys[ys.length - 1];
                return new OpWork.Gemm(label, y.size() / (m * n), m, n, k, flops, bytes, true,
                        4.0 * (in[0].size() + in[1].size()));
            }
            case "Gemm", "FusedGemm" -> {
                long m = y.dim(0);
                long n = y.dim(1);
                return new OpWork.Gemm(label, 1, m, n, Math.max(1, (long) (flops / (2.0 * m * n))), flops, bytes, false, 0);
            }
            default -> {
                if (ROWS.contains(op)) {
                    int[] x = in[0].shape();
                    long total = in[0].size();
                    long rowLength = switch (op) {
                        case "GlobalAveragePool", "GlobalMaxPool", "InstanceNormalization" -> size(x, 2);
                        case "Softmax", "LogSoftmax", "LayerNormalization" -> x.length == 0 ? 1 : x[x.length - 1];
                        default -> Math.max(1, total / Math.max(1, y.size()));
                    };
                    return new OpWork.Rows(label, Math.max(1, total / Math.max(1, rowLength)), rowLength, flops, bytes);
                }
                return new OpWork.Map(label, Math.max(y.size(), 1), flops, bytes);
            }
        }
    }

    private static long size(int[] shape, int from) {
        long n = 1;
        for (int i = from; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }
}
