package dev.cotenant.ops;

/**
 * Mean and variance of a run of floats, accumulated in double: the step that instance and layer
 * normalisation share.
 */
final class NormRows {

    private NormRows() {}

    /** Mean of {@code x[off, off + n)}. */
    static double mean(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += x[i];
        }
        return n == 0 ? 0 : s / n;
    }

    /** Population variance of {@code x[off, off + n)} around {@code mean}. */
    static double variance(float[] x, int off, int n, double mean) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            double d = x[i] - mean;
            s += d * d;
        }
        return n == 0 ? 0 : s / n;
    }
}
