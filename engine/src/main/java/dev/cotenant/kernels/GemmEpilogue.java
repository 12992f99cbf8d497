package dev.cotenant.kernels;

/**
 * What a GEMM or convolution does to an output tile after its last multiply-add and before it
 * leaves the cache: add a per-row bias (a convolution's per-output-channel bias), add a per-column
 * bias (a Gemm's broadcast {@code C} row, a fused MatMul's bias), then apply an activation.
 *
 * <p>Clamping activations (Relu, Clip) run as a min/max on the tile in vector registers; the others
 * run through {@link Activation#apply} on the freshly stored tile row, which is still in L1. The
 * bias arrays belong to the operator that built the epilogue: it fills them once at bind time, or
 * before each run when the bias is not a constant.
 */
public final class GemmEpilogue {

    /** Plain output: no bias, no activation. */
    public static final GemmEpilogue NONE = new GemmEpilogue(null, null, null);

    final float[] rowBias;
    final float[] colBias;
    final Activation activation;
    final float lo;
    final float hi;
    /** Whether the activation is a clamp to {@code [lo, hi]}, done in registers. */
    final boolean clamps;
    /** Whether an activation must run over the stored tile. */
    final boolean pointwise;

    /**
     * @param rowBias one value per output row, or {@code null}
     * @param colBias one value per output column, padded to a multiple of {@link Sgemm#NR}, or {@code null}
     * @param activation the activation, or {@code null} for none
     */
    public GemmEpilogue(float[] rowBias, float[] colBias, Activation activation) {
        this.rowBias = rowBias;
        this.colBias = colBias;
        this.activation = activation;
        switch (activation) {
            case Activation.Relu r -> {
                lo = 0;
                hi = Float.POSITIVE_INFINITY;
            }
            case Activation.Clip c -> {
                lo = c.min();
                hi = c.max();
            }
            case null, default -> {
                lo = Float.NEGATIVE_INFINITY;
                hi = Float.POSITIVE_INFINITY;
            }
        }
        this.clamps = activation instanceof Activation.Relu || activation instanceof Activation.Clip;
        this.pointwise = activation != null && !clamps;
    }

    public Activation activation() {
        return activation;
    }

    /** This epilogue's biases and clamp without its pointwise activation, which the caller runs later. */
    GemmEpilogue withoutPointwise() {
        return pointwise ? new GemmEpilogue(rowBias, colBias, null) : this;
    }

    boolean hasWork() {
        return rowBias != null || colBias != null || activation != null;
    }

    /** Applies the activation (not the biases) to {@code x[from, from + n)}. */
    public void activate(float[] x, int from, int n) {
        if (clamps) {
            for (int i = from; i < from + n; i++) {
                x[i] = Math.min(Math.max(x[i], lo), hi);
            }
        } else if (activation != null) {
            activation.apply(x, from, from + n);
        }
    }

    /** The activation of one value, in double, for reference kernels. */
    public double activate(double v) {
        return activation == null ? v : activation.at(v);
    }

    @Override
    public String toString() {
        return activation == null ? "none" : activation.onnxName();
    }
}
