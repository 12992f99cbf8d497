package dev.cotenant.ops;

import dev.cotenant.ir.Attribute;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Node;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.kernels.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Binds and runs one operator of the standard table on given tensors, for the tensor-operator tests. */
final class CopyFixtures {

    private CopyFixtures() {}

    /** Binds {@code opType} with every given input known (null = absent optional input). */
    static BoundOp bind(String opType, int opset, Map<String, Attribute> attrs, int outputs, Tensor... inputs) {
        return bind(opType, opset, attrs, outputs, inputs, true);
    }

    static BoundOp bind(String opType, int opset, Map<String, Attribute> attrs, int outputs, Tensor[] inputs, boolean known) {
        List<String> ins = new ArrayList<>();
        List<TensorType> types = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            ins.add(inputs[i] == null ? "" : "in" + i);
            types.add(inputs[i] == null ? null : inputs[i].type());
            values.add(inputs[i] == null || !known ? null : inputs[i]);
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add("out" + i);
        }
        Node node = new Node("n", opType, "", ins, outs, attrs);
        return OpTable.standard().find("", opType).bind(new OpContext(node, opset, types, values));
    }

    /** Binds and runs, returning freshly allocated outputs. */
    static Tensor[] run(String opType, int opset, Map<String, Attribute> attrs, int outputs, Tensor... inputs) {
        BoundOp b = bind(opType, opset, attrs, outputs, inputs);
        return run(b, outputs, inputs, Workers.single());
    }

    static Tensor[] run(BoundOp b, int outputs, Tensor[] inputs, Workers workers) {
        Tensor[] outs = new Tensor[outputs];
        for (int i = 0; i < outputs; i++) {
            TensorType t = b.outputTypes().get(i);
            outs[i] = Tensor.allocate(t.dataType(), t.dims());
        }
        b.run(inputs, outs, workers);
        return outs;
    }

    static Tensor random(DataType type, SplittableRandom rnd, int... shape) {
        Tensor t = Tensor.allocate(type, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setDouble(i, type.isFloat() ? rnd.nextDouble(-4, 4) : rnd.nextInt(-100, 100));
        }
        return t;
    }

    static Tensor longs(long... v) {
        return Tensor.ofLongs(DataType.INT64, v, v.length);
    }

    static Attribute ints(long... v) {
        return new Attribute.Ints(Arrays.stream(v).boxed().toList());
    }

    static Attribute i(long v) {
        return new Attribute.Int(v);
    }

    static Attribute s(String v) {
        return new Attribute.Str(v);
    }

    static double[] values(Tensor t) {
        double[] r = new double[t.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = t.getDouble(i);
        }
        return r;
    }
}
