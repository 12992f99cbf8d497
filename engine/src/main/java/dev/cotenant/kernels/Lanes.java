package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums the lanes of a vector in one fixed order.
 *
 * <p>{@code reduceLanes(ADD)} on floats leaves the order of additions to the implementation, and
 * the JIT's intrinsic and the Java fallback that runs before compilation do use different orders:
 * the same row could sum to values one ulp apart depending on how warm the JVM is, and a
 * multi-threaded run could differ from a single-threaded one. Here the lanes are folded in halves
 * (lane i plus lane i + W/2, then W/4, ...), each step a lanewise add whose result IEEE 754 fixes,
 * so every path gives the same bits.
 */
final class Lanes {

    private static final VectorSpecies<Float> S = VectorUnit.FLOAT;
    private static final VectorShuffle<Float>[] HALVES = halves();

    private Lanes() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] h = new VectorShuffle[steps];
        for (int k = 0, half = S.length() / 2; k < steps; k++, half /= 2) {
            h[k] = VectorShuffle.iota(S, half, 1, true);
        }
        return h;
    }

    /** The sum of {@code v}'s lanes, folded in halves. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) {
            v = v.add(v.rearrange(h));
        }
        return v.lane(0);
    }
}
