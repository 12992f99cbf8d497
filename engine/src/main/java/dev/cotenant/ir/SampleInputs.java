package dev.cotenant.ir;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded sample inputs for a model: every free dimension sized, the values plausible. {@code run
 * --random}, {@code inspect}, the benchmark and co-located tenants all feed models this way; they
 * differ only in how a user writes a size ({@code --dim width=8}, a tenant's {@code :dim=width=8})
 * and in whether the leading dimension is a batch size given apart.
 *
 * <p>A free dimension left without a size is an error naming every such symbol and how to set it,
 * never a silent 1: a model run at a size nobody chose gives figures for a model nobody deploys. A
 * size for a symbol that no input has is an error too, so that a misspelt one is not ignored.
 */
public final class SampleInputs {

    private SampleInputs() {}

    /**
     * What the caller knows of the sizes.
     *
     * @param bySymbol the size of each free dimension, by its symbol
     * @param batch the size of every free leading dimension, which is then not set by symbol; 0
     *     where the leading dimension is sized by its symbol like the others, and is 1 when unset
     * @param where the start of every message: a file, a tenant
     * @param flag how a user sets a size, before {@code SYMBOL=N}: {@code "--dim "}, {@code ":dim="}
     */
    public record Sizes(Map<String, Integer> bySymbol, int batch, String where, String flag) {

        public Sizes {
            bySymbol = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bySymbol));
        }
    }

    /** The concrete dimensions of each of {@code inputs}, in their order. */
    public static Map<String, int[]> shapes(List<ValueInfo> inputs, Sizes sizes) {
        Map<String, int[]> result = new LinkedHashMap<>();
        Set<String> free = new LinkedHashSet<>();
        Map<String, String> unset = new LinkedHashMap<>();
        for (ValueInfo in : inputs) {
            if (in.type() == null) {
                throw new ModelException(sizes.where() + ": input '" + in.name() + "' has no declared type");
            }
            int[] d = in.type().dims();
            String[] symbols = in.type().shape().symbols();
            for (int i = 0; i < d.length; i++) {
                if (d[i] >= 0) {
                    continue;
                }
                String symbol = symbols[i];
                if (i == 0 && sizes.batch() > 0) {
                    d[i] = sizes.batch();
                    continue;
                }
                if (symbol != null) {
                    free.add(symbol);
                }
                Integer size = symbol == null ? null : sizes.bySymbol().get(symbol);
                if (size != null) {
                    d[i] = size;
                } else if (i == 0) {
                    d[i] = 1;
                } else if (symbol == null) {
                    throw new ModelException(sizes.where() + ": input '" + in.name() + "' has a free dimension " + i
                            + " without a name, which no option can size; export the model with fixed sizes");
                } else {
                    unset.putIfAbsent(symbol, "'" + symbol + "' (input '" + in.name() + "', dimension " + i + ")");
                }
            }
            result.put(in.name(), d);
        }
        if (!unset.isEmpty()) {
            throw new ModelException(sizes.where() + ": " + (unset.size() == 1 ? "free input dimension " : "free input dimensions ")
                    + String.join(", ", unset.values()) + (unset.size() == 1 ? " has no size; set it with " : " have no size; set them with ")
                    + String.join(" ", unset.keySet().stream().map(s -> sizes.flag() + s + "=N").toList()));
        }
        for (Map.Entry<String, Integer> e : sizes.bySymbol().entrySet()) {
            if (!free.contains(e.getKey())) {
                throw new ModelException(sizes.where() + ": " + sizes.flag() + e.getKey() + "=" + e.getValue()
                        + ": no input has a free dimension '" + e.getKey() + "'" + (sizes.batch() > 0 ? " besides the batch" : "")
                        + " (free symbols: " + (free.isEmpty() ? "none" : String.join(", ", free)) + ")");
            }
        }
        return result;
    }

    /** Sample tensors for {@code inputs}, sized by {@link #shapes}, filled from {@code rnd}. */
    public static Map<String, Tensor> of(List<ValueInfo> inputs, Sizes sizes, SplittableRandom rnd) {
        Map<String, Tensor> result = new LinkedHashMap<>();
        Map<String, int[]> shapes = shapes(inputs, sizes);
        for (ValueInfo in : inputs) {
            result.put(in.name(), fill(in.name(), in.type().dataType(), shapes.get(in.name()), rnd));
        }
        return result;
    }

    /**
     * A tensor of {@code type} and {@code dims} as a caller of the model would give it: floats
     * uniform in [0, 1); integers token ids below 100, except attention masks (all ones, as is every
     * boolean) and token types (all zeros), so that a BERT model sees a well-formed sentence.
     */
    public static Tensor fill(String name, DataType type, int[] dims, SplittableRandom rnd) {
        Tensor t = Tensor.allocate(type, dims);
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < t.size(); i++) {
            if (type == DataType.BOOL || lower.contains("mask")) {
                t.setLong(i, 1);
            } else if (type.isFloat()) {
                t.setDouble(i, rnd.nextDouble());
            } else if (lower.contains("type")) {
                t.setLong(i, 0);
            } else {
                t.setLong(i, rnd.nextInt(100));
            }
        }
        return t;
    }
}
