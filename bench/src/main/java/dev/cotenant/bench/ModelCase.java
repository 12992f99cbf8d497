package dev.cotenant.bench;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Model;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.SampleInputs;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.onnx.OnnxImport;
import dev.cotenant.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One model at one batch size as both engines see it: the ONNX file they both load, and the input
 * tensors they are both given. A zoo model is exported once to a temporary file; an .onnx path is
 * used as it is, its symbolic leading dimension set to the batch size.
 *
 * @param label the name rows are reported under
 * @param file the ONNX file both sides load
 * @param batch the batch size the inputs have
 * @param feeds the inputs, generated from a fixed seed so every run of the benchmark sees the same
 */
public record ModelCase(String label, Path file, int batch, Map<String, Tensor> feeds) {

    /** Seed of the zoo weights and of the inputs. */
    static final long SEED = 1;

    /** Prepares {@code model} (a zoo name or an .onnx path) at {@code batch}; a zoo model goes to {@code tmp}. */
    public static ModelCase prepare(String model, int batch, int seq, Path tmp) {
        return prepare(model, batch, seq, Map.of(), tmp);
    }

    /**
     * As above, with sizes for symbolic input dimensions besides the batch ({@code dims}, by symbol);
     * a size whose symbol no input has is an error, so that a misspelled one is not ignored.
     */
    public static ModelCase prepare(String model, int batch, int seq, Map<String, Integer> dims, Path tmp) {
        if (batch < 1) {
            throw new ModelException("batch " + batch + ": expected a positive size");
        }
        Path file;
        String label;
        if (model.endsWith(".onnx") || Files.isRegularFile(Path.of(model))) {
            file = Path.of(model);
            if (!Files.isRegularFile(file)) {
                throw new ModelException(model + ": no such file");
            }
            label = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        } else {
            Model m = Zoo.build(model, batch, seq, SEED);
            label = model;
            file = tmp.resolve(String.format(Locale.ROOT, "%s-b%d%s.onnx", model, batch, Zoo.takesSequence(model) ? "-s" + seq : ""));
            OnnxExport.write(m, file);
        }
        return new ModelCase(label, file, batch, inputs(OnnxImport.load(file), batch, dims, file));
    }

    /** The input types, as Cotenant plans for them. */
    public Map<String, TensorType> types() {
        Map<String, TensorType> m = new LinkedHashMap<>();
        feeds.forEach((k, v) -> m.put(k, new TensorType(v.dataType(), Shape.of(v.shape()))));
        return m;
    }

    /**
     * Inputs of {@code m}: a symbolic leading dimension takes the batch size, any other symbolic one
     * its size in {@code dims} (an error when it has none, or when no input has a symbol of
     * {@code dims}), filled as {@link SampleInputs#fill} does from a fixed seed.
     */
    static Map<String, Tensor> inputs(Model m, int batch, Map<String, Integer> dims, Path file) {
        for (ValueInfo in : m.graph().feeds()) {
            TensorType type = in.type();
            if (type == null) {
                throw new ModelException(file + ": input '" + in.name() + "' has no declared type");
            }
            if (type.rank() > 0 && type.dims()[0] >= 0 && type.dims()[0] != batch) {
                throw new ModelException(file + ": input '" + in.name() + "' has a fixed batch of " + type.dims()[0]
                        + ", not " + batch + "; export it with a symbolic batch or bench it at --batch " + type.dims()[0]);
            }
            DataType t = type.dataType();
            if (t != DataType.FLOAT && t != DataType.INT64) {
                throw new ModelException(file + ": input '" + in.name() + "' is " + t + "; the benchmark feeds float32 and int64 inputs");
            }
        }
        return SampleInputs.of(m.graph().feeds(), new SampleInputs.Sizes(dims, batch, file.toString(), "--dim "), new SplittableRandom(SEED));
    }
}
