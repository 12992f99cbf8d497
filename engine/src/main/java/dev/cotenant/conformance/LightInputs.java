package dev.cotenant.conformance;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.ValueInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generated inputs of the light model cases, as their expected outputs were made: for each fed
 * input, float32, unknown dimensions set to 1, values {@code arange(n).reshape(shape) / n}.
 */
final class LightInputs {

    private LightInputs() {}

    static Map<String, Tensor> generate(Model model) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo in : model.graph().feeds()) {
            if (in.type() == null) {
                throw new ModelException("input '" + in.name() + "' has no declared shape to generate a value for");
            }
            int[] dims = in.type().dims();
            for (int i = 0; i < dims.length; i++) {
                dims[i] = dims[i] < 0 ? 1 : dims[i];
            }
            Tensor t = Tensor.allocate(DataType.FLOAT, dims);
            float[] v = t.floats();
            int n = v.length;
            for (int i = 0; i < n; i++) {
                // numpy divides in float64 and the result is stored as float32.
                v[i] = (float) ((double) i / n);
            }
            inputs.put(in.name(), t);
        }
        return inputs;
    }
}
