package dev.cotenant.ops;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import java.util.List;

/**
 * What an {@link Op} sees when it binds one node: the node and its attributes, the opset version
 * the model declares for the node's domain, the concrete type of every input, and the value of
 * every input that is known when binding (constants, and everything in interpreted plans).
 */
public final class OpContext {

    private final Node node;
    private final int opset;
    private final List<TensorType> inputTypes;
    private final List<Tensor> known;

    /**
     * @param inputTypes one per node input, {@code null} for an absent optional input
     * @param known one per node input, the value when known at bind time, else {@code null}
     */
    public OpContext(Node node, int opset, List<TensorType> inputTypes, List<Tensor> known) {
        this.node = node;
        this.opset = opset;
        this.inputTypes = inputTypes;
        this.known = known;
    }

    public Node node() {
        return node;
    }

    /** The operator-set version in force for this node's domain. */
    public int opset() {
        return opset;
    }

    /** Number of input slots, absent optional ones included. */
    public int inputCount() {
        return inputTypes.size();
    }

    /** Whether input {@code i} is given (present and not the empty name). */
    public boolean hasInput(int i) {
        return i < inputTypes.size() && inputTypes.get(i) != null;
    }

    public TensorType inputType(int i) {
        if (!hasInput(i)) {
            throw fail("input " + i + " is required but missing");
        }
        return inputTypes.get(i);
    }

    public int[] inputShape(int i) {
        return inputType(i).dims();
    }

    public DataType inputDataType(int i) {
        return inputType(i).dataType();
    }

    /** The value of input {@code i} if known at bind time, else {@code null}. */
    public Tensor constant(int i) {
        return i < known.size() ? known.get(i) : null;
    }

    /**
     * The value of input {@code i}, which decides output shapes ({@code what} names it in
     * messages). When the value is only known at run time the plan falls back to binding at run
     * time, where it is always known.
     */
    public Tensor requireValue(int i, String what) {
        Tensor t = constant(i);
        if (t == null) {
            if (!hasInput(i)) {
                throw fail("input " + i + " (" + what + ") is required but missing");
            }
            throw new ValueNeeded(node, i, what);
        }
        return t;
    }

    public boolean hasAttribute(String name) {
        return node.attributes().containsKey(name);
    }

    public long attrInt(String name, long dflt) {
        return switch (node.attributes().get(name)) {
            case null -> dflt;
            case Attribute.Int i -> i.value();
            case Attribute a -> throw badKind(name, a, "int");
        };
    }

    public float attrFloat(String name, float dflt) {
        return switch (node.attributes().get(name)) {
            case null -> dflt;
            case Attribute.Float f -> f.value();
            case Attribute.Int i -> i.value();
            case Attribute a -> throw badKind(name, a, "float");
        };
    }

    public String attrString(String name, String dflt) {
        return switch (node.attributes().get(name)) {
            case null -> dflt;
            case Attribute.Str s -> s.value();
            case Attribute a -> throw badKind(name, a, "string");
        };
    }

    /** An ints attribute, or {@code null} when absent. */
    public long[] attrInts(String name) {
        return switch (node.attributes().get(name)) {
            case null -> null;
            case Attribute.Ints i -> i.values().stream().mapToLong(Long::longValue).toArray();
            case Attribute.Int i -> new long[] {i.value()};
            case Attribute a -> throw badKind(name, a, "ints");
        };
    }

    /** A floats attribute, or {@code null} when absent. */
    public float[] attrFloats(String name) {
        return switch (node.attributes().get(name)) {
            case null -> null;
            case Attribute.Floats f -> {
                float[] r = new float[f.values().size()];
                for (int k = 0; k < r.length; k++) {
                    r[k] = f.values().get(k);
                }
                yield r;
            }
            case Attribute a -> throw badKind(name, a, "floats");
        };
    }

    /** A tensor attribute, or {@code null} when absent. */
    public Tensor attrTensor(String name) {
        return switch (node.attributes().get(name)) {
            case null -> null;
            case Attribute.TensorValue t -> t.value();
            case Attribute a -> throw badKind(name, a, "tensor");
        };
    }

    private ModelException badKind(String name, Attribute a, String expected) {
        return fail("attribute '" + name + "' is " + a.kind() + ", expected " + expected);
    }

    /** An error naming this node: {@code Conv node 'conv1' (opset 13): <message>}. */
    public ModelException fail(String message) {
        return new ModelException(node.opType() + " node '" + node.label() + "' (opset " + opset + "): " + message);
    }

    /** Normalises a possibly negative axis against {@code rank}, or fails naming the attribute. */
    public int axis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw fail(what + " " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** Thrown when binding needs an input's value that is only known at run time. */
    public static final class ValueNeeded extends RuntimeException {
        private final transient Node node;
        private final int input;

        ValueNeeded(Node node, int input, String what) {
            super(node.opType() + " node '" + node.label() + "' needs the value of input " + input + " (" + what + ")", null, false, false);
            this.node = node;
            this.input = input;
        }

        public Node node() {
            return node;
        }

        public int input() {
            return input;
        }
    }
}
