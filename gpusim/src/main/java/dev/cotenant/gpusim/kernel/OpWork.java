package dev.cotenant.gpusim.kernel;

/**
 * What one operator (or a fused group of them) asks of the GPU, before it is shaped into kernels.
 * Bytes are counted at four bytes an element, as the plan's costs are; shaping scales them to the
 * precision.
 */
sealed interface OpWork {

    String name();

    double flops();

    double bytes();

    /** A work that adds {@code flops} and {@code bytes} to this one (an epilogue fused into it). */
    OpWork plus(double flops, double bytes);

    /** Matrix products: {@code batch} independent M x N x K products (groups of a convolution, heads). */
    record Gemm(String name, long batch, long m, long n, long k, double flops, double bytes, boolean activations,
                double inputBytes) implements OpWork {
        public OpWork plus(double f, double b) {
            return new Gemm(name, batch, m, n, k, flops + f, bytes + b, activations, inputBytes);
        }
    }

    /** Elementwise and other one-output-per-thread work over {@code elements} (grid-stride shape). */
    record Map(String name, long elements, double flops, double bytes) implements OpWork {
        public OpWork plus(double f, double b) {
            return new Map(name, elements, flops + f, bytes + b);
        }
    }

    /** Row-wise reductions: softmax, layer normalisation, reductions, global pools. */
    record Rows(String name, long rows, long rowLength, double flops, double bytes) implements OpWork {
        public OpWork plus(double f, double b) {
            return new Rows(name, rows, rowLength, flops + f, bytes + b);
        }
    }

    /** Fused attention (QK^T, softmax, times V) over {@code heads} heads, as inference engines run it. */
    record Attention(String name, long heads, long queries, long keys, long headDim, double flops, double bytes)
            implements OpWork {
        public OpWork plus(double f, double b) {
            return new Attention(name, heads, queries, keys, headDim, flops + f, bytes + b);
        }
    }
}
