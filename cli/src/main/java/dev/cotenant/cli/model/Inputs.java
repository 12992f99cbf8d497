package dev.cotenant.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.cli.common.DimSizes;
import dev.cotenant.cli.common.Json;
import dev.cotenant.io.Npy;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.SampleInputs;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.ir.TensorType;
import dev.cotenant.ir.ValueInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** Turns {@code --input NAME=FILE.npy}, {@code --dim SYMBOL=N} and {@code --random} into input tensors. */
final class Inputs {

    private Inputs() {}

    /**
     * The model's inputs: those given as files, and for the rest, with {@code random}, seeded
     * samples whose free dimensions take their {@code --dim} sizes ({@code where}, the model's file,
     * starts any message about them).
     */
    static Map<String, Tensor> resolve(Graph g, List<String> inputSpecs, List<String> dimSpecs, boolean random, long seed, String where) {
        Map<String, Tensor> given = new LinkedHashMap<>();
        for (String spec : inputSpecs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new ModelException("--input '" + spec + "': expected NAME=FILE.npy");
            }
            String name = spec.substring(0, eq);
            if (g.feeds().stream().noneMatch(v -> v.name().equals(name))) {
                throw new ModelException("--input '" + name + "' is not an input of the model (inputs: "
                        + String.join(", ", g.feeds().stream().map(ValueInfo::name).toList()) + ")");
            }
            Path file = Path.of(spec.substring(eq + 1));
            Tensor t = Npy.read(file);
            g.feeds().stream().filter(v -> v.name().equals(name)).findFirst().ifPresent(v -> checkDeclared(v, t, file));
            given.put(name, t);
        }
        Map<String, Integer> dims = DimSizes.parse(dimSpecs);
        List<ValueInfo> missing = g.feeds().stream().filter(v -> !given.containsKey(v.name())).toList();
        if (!missing.isEmpty() && !random) {
            ValueInfo in = missing.getFirst();
            throw new ModelException("input '" + in.name() + "' (" + in.type() + ") has no value; give --input "
                    + in.name() + "=FILE.npy or --random");
        }
        if (missing.isEmpty() && !dims.isEmpty()) {
            throw new ModelException("--dim sizes the inputs that --random makes, and every input was given with --input");
        }
        for (ValueInfo in : missing) {
            if (in.type() == null) {
                throw new ModelException("input '" + in.name() + "' has no declared type; give it with --input");
            }
        }
        Map<String, Tensor> sampled = SampleInputs.of(missing, new SampleInputs.Sizes(dims, 0, where, "--dim "), new SplittableRandom(seed));
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (ValueInfo in : g.feeds()) {
            result.put(in.name(), given.containsKey(in.name()) ? given.get(in.name()) : sampled.get(in.name()));
        }
        return result;
    }

    /** The model's declaration of an input is checked here, before any pass sees the tensor. */
    private static void checkDeclared(ValueInfo in, Tensor t, Path file) {
        TensorType declared = in.type();
        if (declared == null) {
            return;
        }
        int[] d = declared.dims();
        int[] s = t.shape();
        boolean ok = declared.dataType() == t.dataType() && d.length == s.length;
        for (int i = 0; ok && i < d.length; i++) {
            ok = d[i] < 0 || d[i] == s[i];
        }
        if (!ok) {
            throw new ModelException("input '" + in.name() + "' from " + file + ": the model declares " + declared + ", the file holds " + t.type());
        }
    }

    /** Smallest, largest and mean value of a tensor that is not empty. */
    record Summary(double min, double max, double mean) {

        static Summary of(Tensor t) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = 0; i < t.size(); i++) {
                double v = t.getDouble(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            return new Summary(min, max, sum / t.size());
        }
    }

    static String describe(Tensor t) {
        StringBuilder b = new StringBuilder(t.type().toString());
        if (t.size() == 0) {
            return b.append(" (empty)").toString();
        }
        Summary s = Summary.of(t);
        b.append(String.format(Locale.ROOT, "  min %.6g  max %.6g  mean %.6g  first [", s.min(), s.max(), s.mean()));
        for (int i = 0; i < Math.min(5, t.size()); i++) {
            b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.5g", t.getDouble(i)));
        }
        return b.append(t.size() > 5 ? ", ...]" : "]").toString();
    }

    /** {@code {"name","type","shape"}}, and for a tensor with values its min, max, mean and first five values. */
    static ObjectNode json(String name, Tensor t) {
        ObjectNode o = Json.object().put("name", name).put("type", t.dataType().onnxName());
        ArrayNode shape = o.putArray("shape");
        for (int d : t.shape()) {
            shape.add(d);
        }
        if (t.size() > 0) {
            Summary s = Summary.of(t);
            o.put("min", Json.finite(s.min())).put("max", Json.finite(s.max())).put("mean", Json.finite(s.mean()));
            ArrayNode first = o.putArray("first");
            for (int i = 0; i < Math.min(5, t.size()); i++) {
                first.add(Json.finite(t.getDouble(i)));
            }
        }
        return o;
    }

    static Map<String, TensorType> types(Map<String, Tensor> inputs) {
        Map<String, TensorType> m = new LinkedHashMap<>();
        inputs.forEach((k, v) -> m.put(k, new TensorType(v.dataType(), Shape.of(v.shape()))));
        return m;
    }
}
