package dev.cotenant.cli.model;

import dev.cotenant.io.Npy;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Graph;
import dev.cotenant.ir.ModelException;
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

    static Map<String, Tensor> resolve(Graph g, List<String> inputSpecs, List<String> dimSpecs, boolean random, long seed) {
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
        Map<String, Integer> dims = new LinkedHashMap<>();
        for (String spec : dimSpecs) {
            int eq = spec.indexOf('=');
            try {
                dims.put(spec.substring(0, eq), Integer.parseInt(spec.substring(eq + 1)));
            } catch (RuntimeException e) {
                throw new ModelException("--dim '" + spec + "': expected SYMBOL=N, e.g. batch=8");
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (ValueInfo in : g.feeds()) {
            Tensor t = given.get(in.name());
            if (t == null) {
                if (!random) {
                    throw new ModelException("input '" + in.name() + "' (" + in.type() + ") has no value; give --input "
                            + in.name() + "=FILE.npy or --random");
                }
                t = randomTensor(in, dims, rnd);
            }
            result.put(in.name(), t);
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

    private static Tensor randomTensor(ValueInfo in, Map<String, Integer> dims, SplittableRandom rnd) {
        TensorType type = in.type();
        if (type == null) {
            throw new ModelException("input '" + in.name() + "' has no declared type; give it with --input");
        }
        int[] d = type.dims();
        String[] sym = type.shape().symbols();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                Integer v = sym[i] == null ? null : dims.get(sym[i]);
                d[i] = v != null ? v : 1;
            }
        }
        Tensor t = Tensor.allocate(type.dataType(), d);
        String lower = in.name().toLowerCase(Locale.ROOT);
        for (int i = 0; i < t.size(); i++) {
            if (type.dataType() == DataType.BOOL || lower.contains("mask")) {
                t.setLong(i, 1);
            } else if (type.dataType().isFloat()) {
                t.setDouble(i, rnd.nextDouble());
            } else if (lower.contains("type")) {
                t.setLong(i, 0);
            } else {
                t.setLong(i, rnd.nextInt(100));
            }
        }
        return t;
    }

    static String describe(Tensor t) {
        StringBuilder b = new StringBuilder(t.type().toString());
        if (t.size() == 0) {
            return b.append(" (empty)").toString();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        b.append(String.format(Locale.ROOT, "  min %.6g  max %.6g  mean %.6g  first [", min, max, sum / t.size()));
        for (int i = 0; i < Math.min(5, t.size()); i++) {
            b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.5g", t.getDouble(i)));
        }
        return b.append(t.size() > 5 ? ", ...]" : "]").toString();
    }

    static Map<String, TensorType> types(Map<String, Tensor> inputs) {
        Map<String, TensorType> m = new LinkedHashMap<>();
        inputs.forEach((k, v) -> m.put(k, new TensorType(v.dataType(), Shape.of(v.shape()))));
        return m;
    }
}
