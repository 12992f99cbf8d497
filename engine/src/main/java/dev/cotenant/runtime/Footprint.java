package dev.cotenant.runtime;

import dev.cotenant.ir.Model;
import dev.cotenant.ir.Tensor;

/**
 * Keeps the Java heap near the size of what is live while a large model is loaded and planned.
 *
 * <p>Loading a model leaves garbage in large, long-lived pieces: the file's bytes once the
 * weights are decoded, the imported graph once the optimised one exists. These pieces have
 * survived young collections, so they sit in the old generation, and a collector that finds the
 * old generation full grows it rather than run a full collection (that is what both the serial
 * and the parallel collector do while the heap is below its maximum). Every page the heap grows
 * into stays resident, so a model of 100 MB of weights used to leave a process of a gigabyte.
 *
 * <p>So whoever has just let a large piece die asks for one full collection: {@code OnnxImport}
 * after the file's bytes are decoded, and a caller that drops the imported model once the passes
 * have made the optimised one (the benchmark, {@code cotenant run}), before it plans. Packing
 * then reuses that space instead of growing the heap. The planner does not ask by itself: a
 * server keeps its imported models to plan new batch sizes, so there would be nothing to gain,
 * only a stop-the-world pause while other tenants serve. Small models, which the conformance
 * runner loads by the hundred, skip it: the pause would cost more than the garbage. A process
 * started with {@code -XX:+DisableExplicitGC} keeps the old behaviour.
 */
public final class Footprint {

    /**
     * Below this much garbage a full collection is not worth its pause. The ONNX test cases are
     * kilobytes; the smallest zoo model worth measuring (MobileNetV2) has 14 MB of weights, and a
     * full collection of a heap that size took 9 ms on an idle core (36 ms on a loaded machine).
     */
    static final long THRESHOLD = 4L << 20;

    private Footprint() {}

    /** Bytes of {@code m}'s weights (its initializers): what dropping the model may release. */
    public static long weightBytes(Model m) {
        long n = 0;
        for (Tensor t : m.graph().initializers().values()) {
            n += (long) t.size() * t.dataType().byteSize();
        }
        return n;
    }

    /** Runs a full collection when {@code bytes} of large objects just became garbage and reaching them is worth it. */
    public static void released(long bytes) {
        if (bytes >= THRESHOLD) {
            System.gc();
        }
    }
}
