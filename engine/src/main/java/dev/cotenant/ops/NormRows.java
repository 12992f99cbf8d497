package dev.cotenant.ops;

import jdk.incubator.vector.DoubleVector;
import dev.cotenant.kernels.VectorUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Mean and variance of a run of floats, accumulated in double: the step that instance and layer
 * normalisation share. Vectorised: each float vector widens into two double vectors (one
 * instruction each on x86), which keeps the accuracy of a double sum at the speed of a vector
 * loop; a scalar double loop is one dependent add per element, and was most of a LayerNorm's time
 * in BERT. Lanes are folded in one fixed order so the result never depends on JIT state.
 */
final class NormRows {

    private static final VectorSpecies<Float> F = VectorUnit.FLOAT;
    private static final VectorSpecies<Double> D = VectorUnit.DOUBLE;
    /** Whether a float vector widens into exactly two double vectors. */
    private static final boolean WIDENS = F.length() == 2 * D.length();

    private NormRows() {}

    /** Mean of {@code x[off, off + n)}. */
    static double mean(float[] x, int off, int n) {
        double s = 0;
        int i = 0;
        if (WIDENS) {
            DoubleVector a = DoubleVector.zero(D);
            DoubleVector b = DoubleVector.zero(D);
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector v = FloatVector.fromArray(F, x, off + i);
                a = a.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
                b = b.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
            }
            s = fold(a.add(b));
        }
        for (; i < n; i++) {
            s += x[off + i];
        }
        return n == 0 ? 0 : s / n;
    }

    /** Population variance of {@code x[off, off + n)} around {@code mean}. */
    static double variance(float[] x, int off, int n, double mean) {
        double s = 0;
        int i = 0;
        if (WIDENS) {
            DoubleVector m = DoubleVector.broadcast(D, mean);
            DoubleVector a = DoubleVector.zero(D);
            DoubleVector b = DoubleVector.zero(D);
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector v = FloatVector.fromArray(F, x, off + i);
                DoubleVector lo = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
                DoubleVector hi = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
                a = lo.fma(lo, a);
                b = hi.fma(hi, b);
            }
            s = fold(a.add(b));
        }
        for (; i < n; i++) {
            double d = x[off + i] - mean;
            s += d * d;
        }
        return n == 0 ? 0 : s / n;
    }

    private static double fold(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < D.length(); l++) {
            s += v.lane(l);
        }
        return s;
    }
}
