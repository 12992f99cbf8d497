package dev.cotenant.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table of operators the engine knows, by domain and op type, with the first opset version
 * of each that it implements. Families of operators register themselves in their own files; this
 * class only holds the table.
 */
public final class OpTable {

    /** The domain of Cotenant's own fused operators, produced by passes. */
    public static final String COTENANT_DOMAIN = "dev.cotenant";

    private record Key(String domain, String opType) {}

    private record Entry(Op op, int sinceVersion) {}

    private final Map<Key, Entry> ops = new HashMap<>();

    private static final OpTable STANDARD = build();

    private static OpTable build() {
        OpTable t = new OpTable();
        ElementwiseOps.register(t);
        ReduceOps.register(t);
        NnOps.register(t);
        TensorOps.register(t);
        FusedOps.register(t);
        BlockedOps.register(t);
        return t;
    }

    /** Every operator Cotenant implements. */
    public static OpTable standard() {
        return STANDARD;
    }

    /** Registers {@code op} for the standard domain, implemented from opset {@code sinceVersion}. */
    void add(String opType, int sinceVersion, Op op) {
        add("", opType, sinceVersion, op);
    }

    void add(String domain, String opType, int sinceVersion, Op op) {
        if (ops.put(new Key(domain, opType), new Entry(op, sinceVersion)) != null) {
            throw new IllegalStateException("operator registered twice: " + domain + "::" + opType);
        }
    }

    /** The operator, or {@code null} when this (domain, op type) is unknown. */
    public Op find(String domain, String opType) {
        Entry e = ops.get(new Key(normalise(domain), opType));
        return e == null ? null : e.op;
    }

    /** The first opset version implemented, or -1 when unknown. */
    public int sinceVersion(String domain, String opType) {
        Entry e = ops.get(new Key(normalise(domain), opType));
        return e == null ? -1 : e.sinceVersion;
    }

    /** Names of the standard-domain operators, sorted. */
    public Set<String> standardOpTypes() {
        Set<String> s = new TreeSet<>();
        for (Key k : ops.keySet()) {
            if (k.domain.isEmpty()) {
                s.add(k.opType);
            }
        }
        return s;
    }

    /** {@code ai.onnx} and the empty string both name the standard domain. */
    public static String normalise(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }
}
