package dev.cotenant.sched.workload;

import dev.cotenant.ir.ModelException;
import dev.cotenant.zoo.Zoo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The models co-located on one device: {@code resnet50:8,mobilenetv2:1,bert-base:1:slo=50:prio=1}.
 * Each comma-separated entry is a zoo name or an .onnx path, then optionally {@code :BATCH}
 * (default 1), {@code :slo=MS} and {@code :prio=N}, in any order after the model.
 */
public record Workload(List<Tenant> tenants) {

    private static final Set<String> ALIASES = Set.of("yolo", "segmentation");

    public Workload {
        tenants = List.copyOf(tenants);
        if (tenants.isEmpty()) {
            throw new ModelException("a workload needs at least one tenant");
        }
    }

    /** Parses a workload; a bad entry is named, with its position, in the error. */
    public static Workload parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ModelException("--tenants is empty; give e.g. resnet50:8,mobilenetv2:1");
        }
        List<Tenant> tenants = new ArrayList<>();
        String[] entries = text.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            tenants.add(parseEntry(entries[i].trim(), i + 1));
        }
        return new Workload(tenants);
    }

    private static Tenant parseEntry(String entry, int position) {
        String where = "tenant " + position + " '" + entry + "'";
        if (entry.isEmpty()) {
            throw new ModelException(where + ": empty entry (two commas in a row?)");
        }
        String[] parts = entry.split(":", -1);
        String model = parts[0];
        if (model.isEmpty()) {
            throw new ModelException(where + ": no model name before ':'");
        }
        if (!model.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") && !zooNames().contains(model)) {
            throw new ModelException(where + ": unknown model '" + model + "'; give a zoo name ("
                    + String.join(", ", zooNames()) + ") or an .onnx file");
        }
        Integer batch = null;
        OptionalDouble slo = OptionalDouble.empty();
        Integer prio = null;
        Map<String, Integer> dims = new LinkedHashMap<>();
        for (int p = 1; p < parts.length; p++) {
            String part = parts[p];
            if (part.startsWith("dim=")) {
                int eq = part.indexOf('=', 4);
                String symbol = eq < 0 ? "" : part.substring(4, eq);
                if (symbol.isEmpty()) {
                    throw new ModelException(where + ": expected dim=SYMBOL=N, got '" + part + "'");
                }
                if (dims.put(symbol, integer(part.substring(eq + 1), where, "dim " + symbol, 1)) != null) {
                    throw new ModelException(where + ": dim " + symbol + " given twice");
                }
            } else if (part.startsWith("slo=")) {
                if (slo.isPresent()) {
                    throw new ModelException(where + ": slo given twice");
                }
                double v = number(part.substring(4), where, "slo");
                if (!(v > 0)) {
                    throw new ModelException(where + ": slo must be a positive number of milliseconds, got '" + part.substring(4) + "'");
                }
                slo = OptionalDouble.of(v);
            } else if (part.startsWith("prio=")) {
                if (prio != null) {
                    throw new ModelException(where + ": prio given twice");
                }
                prio = integer(part.substring(5), where, "prio", Integer.MIN_VALUE);
            } else if (batch == null && !part.contains("=")) {
                batch = integer(part, where, "batch", 1);
            } else {
                throw new ModelException(where + ": unexpected '" + part + "'; expected :BATCH, :slo=MS, :prio=N or :dim=SYMBOL=N");
            }
        }
        if (!dims.isEmpty() && !model.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            throw new ModelException(where + ": dim= sets free dimensions of an .onnx file; zoo models have none");
        }
        return new Tenant(model, batch == null ? 1 : batch, slo, prio == null ? 0 : prio, dims);
    }

    private static double number(String s, String where, String what) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new ModelException(where + ": " + what + " '" + s + "' is not a number");
        }
    }

    private static int integer(String s, String where, String what, int min) {
        int v;
        try {
            v = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ModelException(where + ": " + what + " '" + s + "' is not " + (min == 1 ? "a positive integer" : "an integer"));
        }
        if (v < min) {
            throw new ModelException(where + ": " + what + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static Set<String> zooNames() {
        Set<String> names = new TreeSet<>(ALIASES);
        Zoo.entries().forEach(e -> names.add(e.name()));
        return names;
    }

    /** The entries joined back into the text form. */
    @Override
    public String toString() {
        return String.join(",", tenants.stream().map(Tenant::toString).toList());
    }
}
