package dev.cotenant.sched.workload;

import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One model of a workload as the user named it: a zoo name or an .onnx path, its batch size, an
 * optional latency objective, a priority (higher runs first when tenants compete), and the sizes of
 * an ONNX file's free input dimensions besides the batch ({@code dims}, by symbol, in the order given).
 */
public record Tenant(String model, int batch, OptionalDouble sloMs, int priority, Map<String, Integer> dims) {

    public Tenant {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        dims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dims));
    }

    /** A tenant without free dimensions to set. */
    public Tenant(String model, int batch, OptionalDouble sloMs, int priority) {
        this(model, batch, sloMs, priority, Map.of());
    }

    /** Whether the model is read from an ONNX file rather than built from the zoo. */
    public boolean isFile() {
        return model.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** {@code model:batch}, the tenant's name in tables and schedules. */
    public String label() {
        String base = model;
        if (isFile()) {
            int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
            base = base.substring(slash + 1, base.length() - ".onnx".length());
        }
        return base + ":" + batch;
    }

    /** The entry as it parses back. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(model).append(':').append(batch);
        sloMs.ifPresent(s -> b.append(":slo=").append(s % 1 == 0 ? Long.toString((long) s) : Double.toString(s)));
        if (priority != 0) {
            b.append(":prio=").append(priority);
        }
        dims.forEach((symbol, size) -> b.append(":dim=").append(symbol).append('=').append(size));
        return b.toString();
    }
}
