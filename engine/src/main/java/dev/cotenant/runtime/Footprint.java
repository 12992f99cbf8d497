package dev.cotenant.runtime;

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
 * <p>So the two places that know a large piece has just died ask for one full collection:
 * {@code OnnxImport} after the file's bytes are decoded, and the planner before it starts packing
 * weights (by then the caller has usually dropped the imported model). The next large
 * allocations then reuse that space instead of growing the heap. Small models, which the
 * conformance runner loads by the hundred, skip it: the pause would cost more than the garbage.
 * A process started with {@code -XX:+DisableExplicitGC} keeps the old behaviour.
 */
public final class Footprint {

    /**
     * Below this much garbage a full collection is not worth its pause. The ONNX test cases are
     * kilobytes; the smallest zoo model worth measuring (MobileNetV2) has 14 MB of weights, and a
     * full collection of a heap that size takes a few milliseconds.
     */
    static final long THRESHOLD = 4L << 20;

    private Footprint() {}

    /** Runs a full collection when {@code bytes} of large objects just became garbage and reaching them is worth it. */
    public static void released(long bytes) {
        if (bytes >= THRESHOLD) {
            System.gc();
        }
    }
}
