package dev.cotenant.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds graphs in code: the model zoo's architectures, test graphs and passes' golden cases. Node
 * and value names are generated ({@code conv_3}, {@code conv_3.out}) unless given; weights come
 * from a seeded generator, so the same seed always builds the same model.
 */
public final class GraphBuilder {

    private final String name;
    private final SplittableRandom random;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    public GraphBuilder(String name, long seed) {
        this.name = name;
        this.random = new SplittableRandom(seed);
    }

    /** Declares a graph input; negative dimensions are symbolic, named by {@code symbols}. */
    public String input(String valueName, DataType type, int[] dims, String... symbols) {
        String[] sym = new String[dims.length];
        for (int i = 0, k = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                sym[i] = k < symbols.length ? symbols[k++] : "d" + i;
            }
        }
        inputs.add(new ValueInfo(valueName, new TensorType(type, new Shape(dims, sym))));
        return valueName;
    }

    public String input(String valueName, DataType type, int... dims) {
        return input(valueName, type, dims, new String[0]);
    }

    /** Marks a value as a graph output, with its type left to inference. */
    public void output(String valueName) {
        outputs.add(new ValueInfo(valueName, null));
    }

    public void output(String valueName, TensorType type) {
        outputs.add(new ValueInfo(valueName, type));
    }

    public String constant(String valueName, Tensor value) {
        if (initializers.put(valueName, value) != null) {
            throw new IllegalArgumentException("initializer '" + valueName + "' defined twice");
        }
        return valueName;
    }

    /** An FP32 initializer of normally distributed values with standard deviation {@code std}. */
    public String normal(String valueName, float std, int... dims) {
        float[] v = new float[Math.toIntExact(Shape.size(dims))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return constant(valueName, Tensor.of(v, dims));
    }

    /** An FP32 initializer of values uniform in {@code [lo, hi)}. */
    public String uniform(String valueName, float lo, float hi, int... dims) {
        float[] v = new float[Math.toIntExact(Shape.size(dims))];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (float) random.nextDouble() * (hi - lo);
        }
        return constant(valueName, Tensor.of(v, dims));
    }

    public String floats(String valueName, float[] values, int... dims) {
        return constant(valueName, Tensor.of(values.clone(), dims));
    }

    public String longs(String valueName, long... values) {
        return constant(valueName, Tensor.ofLongs(DataType.INT64, values.clone(), values.length));
    }

    private double gaussian() {
        // Box-Muller; SplittableRandom has no nextGaussian of its own before Java 17's RandomGenerator default.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A fresh name with the given stem, e.g. {@code conv_4}. */
    public String fresh(String stem) {
        int n = counters.merge(stem, 1, Integer::sum);
        return stem + "_" + n;
    }

    /** Adds a node with one output, named after the node; returns the output's name. */
    public String node(String opType, List<String> ins, Map<String, Attribute> attrs) {
        return nodeNamed(fresh(opType.toLowerCase(java.util.Locale.ROOT)), opType, ins, attrs);
    }

    public String node(String opType, String... ins) {
        return node(opType, Arrays.asList(ins), Map.of());
    }

    public String nodeNamed(String nodeName, String opType, List<String> ins, Map<String, Attribute> attrs) {
        String out = nodeName + ".out";
        nodes.add(new Node(nodeName, opType, "", ins, List.of(out), attrs));
        return out;
    }

    /** Adds a node with {@code n} outputs; returns their names. */
    public List<String> nodeMulti(String opType, List<String> ins, Map<String, Attribute> attrs, int n) {
        String nodeName = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            outs.add(nodeName + ".out" + i);
        }
        nodes.add(new Node(nodeName, opType, "", ins, outs, attrs));
        return outs;
    }

    /** Adds a node exactly as given. */
    public void add(Node node) {
        nodes.add(node);
    }

    public Graph build() {
        return new Graph(name, inputs, outputs, nodes, initializers, Map.of());
    }

    /** The graph as a model of the standard operator set at {@code opset}. */
    public Model model(int opset) {
        return new Model(build(), Map.of("", opset), 8, "cotenant", null);
    }

    public static Attribute i(long v) {
        return new Attribute.Int(v);
    }

    public static Attribute f(float v) {
        return new Attribute.Float(v);
    }

    public static Attribute s(String v) {
        return new Attribute.Str(v);
    }

    public static Attribute ints(long... v) {
        return new Attribute.Ints(Arrays.stream(v).boxed().toList());
    }

    public static Attribute floats(float... v) {
        List<Float> l = new ArrayList<>();
        for (float x : v) {
            l.add(x);
        }
        return new Attribute.Floats(l);
    }
}
