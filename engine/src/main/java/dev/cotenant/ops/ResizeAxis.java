package dev.cotenant.ops;

import java.util.Arrays;

/**
 * How one axis of a Resize maps output indices to input taps: for every output index, the input
 * indices it reads and their weights, or "outside" (tf_crop_and_resize beyond the input, which
 * yields the extrapolation value).
 *
 * <p>This follows the specification's one-dimensional formulas step by step, since every mode is
 * separable: the output coordinate goes back to the input through the coordinate transformation
 * mode ({@code x_original}); the fraction {@code ratio} in (0, 1] of {@code x_original} past the
 * input index just below it picks the coefficients (nearest by {@code nearest_mode}, linear, cubic
 * with {@code cubic_coeff_a}, or, when downscaling with antialias, the linear or cubic filter
 * stretched by 1/scale and normalised); the coefficients apply to the n input indices nearest to
 * {@code x_original} (ties to the lower index), with indices outside the input read at the nearest
 * edge, or dropped and the rest renormalised when {@code exclude_outside} is set. Taps of zero
 * weight are dropped, so nearest is one tap and an unscaled axis is the identity.
 */
record ResizeAxis(int inLen, int outLen, int[] start, int[] idx, double[] weight, boolean[] outside) {

    enum Coord { HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN, TF_CROP_AND_RESIZE }

    enum Kind { NEAREST, LINEAR, CUBIC }

    enum Nearest { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL, SIMPLE }

    /** The interpolation settings shared by all axes. */
    record Filter(Kind kind, Nearest nearest, double cubicA, boolean antialias, boolean excludeOutside, Coord coord) {}

    /** Number of taps of output index {@code o}. */
    int taps(int o) {
        return start[o + 1] - start[o];
    }

    /** Whether every output index reads exactly its own input index with weight 1. */
    boolean identity() {
        if (inLen != outLen) {
            return false;
        }
        for (int o = 0; o < outLen; o++) {
            if (outside[o] || taps(o) != 1 || idx[start[o]] != o || weight[start[o]] != 1.0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds the axis. {@code scale} is the axis's scale factor; {@code outWidth} is
     * {@code scale * inLen} as the specification computes it (float when the scale came from the
     * scales input); {@code roiStart}, {@code roiEnd} matter only for tf_crop_and_resize.
     */
    static ResizeAxis of(int inLen, int outLen, double scale, double outWidth, double roiStart, double roiEnd, Filter f) {
        int[] start = new int[outLen + 1];
        int[] idx = new int[Math.max(4, outLen * 4)];
        double[] weight = new double[idx.length];
        boolean[] outside = new boolean[outLen];
        int used = 0;
        for (int o = 0; o < outLen; o++) {
            start[o] = used;
            double x = original(o, inLen, outLen, scale, outWidth, roiStart, roiEnd, f.coord());
            if (f.coord() == Coord.TF_CROP_AND_RESIZE && (x < 0 || x > inLen - 1)) {
                outside[o] = true;
                continue;
            }
            if (inLen == 0) {
                outside[o] = true;
                continue;
            }
            if (f.kind() == Kind.NEAREST && f.nearest() == Nearest.SIMPLE) {
                // The rule of Upsample and Resize-10: truncate when upsampling, round up when downsampling.
                long k = scale < 1 ? (long) Math.ceil(x) : (long) x;
                int i = (int) Math.max(0, Math.min(inLen - 1, k));
                if (used + 1 > idx.length) {
                    idx = Arrays.copyOf(idx, idx.length * 2);
                    weight = Arrays.copyOf(weight, weight.length * 2);
                }
                idx[used] = i;
                weight[used] = 1;
                used++;
                continue;
            }
            double ratio = x == Math.floor(x) ? 1.0 : x - Math.floor(x);
            double[] c = coefficients(ratio, scale, f);
            int n = c.length;
            int pad = (n + 1) / 2;
            // The n integers nearest to x, ties to the lower one, within the edge-padded range.
            long s = (long) Math.ceil(x) - n / 2;
            s = Math.max(-pad, Math.min(inLen + pad - n, s));
            if (f.excludeOutside()) {
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    long k = s + t;
                    if (k < 0 || k >= inLen) {
                        c[t] = 0;
                    }
                    sum += c[t];
                }
                for (int t = 0; t < n; t++) {
                    c[t] /= sum;
                }
            }
            if (used + n > idx.length) {
                idx = Arrays.copyOf(idx, Math.max(idx.length * 2, used + n));
                weight = Arrays.copyOf(weight, idx.length);
            }
            for (int t = 0; t < n; t++) {
                if (c[t] == 0) {
                    continue;
                }
                int k = (int) Math.max(0, Math.min(inLen - 1, s + t));
                // Taps clamped onto the same edge index add up.
                if (used > start[o] && idx[used - 1] == k) {
                    weight[used - 1] += c[t];
                } else {
                    idx[used] = k;
                    weight[used] = c[t];
                    used++;
                }
            }
        }
        start[outLen] = used;
        return new ResizeAxis(inLen, outLen, start, Arrays.copyOf(idx, used), Arrays.copyOf(weight, used), outside);
    }

    /** The input coordinate of output index {@code x} (the specification's {@code x_original}). */
    static double original(int x, int inLen, int outLen, double scale, double outWidth, double roiStart, double roiEnd, Coord coord) {
        return switch (coord) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                double adjustment = outLen / outWidth;
                double center = inLen / 2.0;
                double offset = center * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
            case ALIGN_CORNERS -> outWidth == 1 ? 0 : (double) x * (inLen - 1) / (outWidth - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> {
                double span = roiEnd - roiStart;
                double v = outWidth == 1 ? span * (inLen - 1) / 2 : x * span * (inLen - 1) / (outWidth - 1);
                yield v + roiStart * (inLen - 1);
            }
        };
    }

    /** Coefficients for the taps at lower-index offsets from {@code 1 - n/2} up to {@code n/2}. */
    private static double[] coefficients(double ratio, double scale, Filter f) {
        return switch (f.kind()) {
            case NEAREST -> {
                boolean upper = switch (f.nearest()) {
                    case ROUND_PREFER_FLOOR -> ratio == 1 || ratio > 0.5;
                    case ROUND_PREFER_CEIL -> ratio == 1 || ratio >= 0.5;
                    case FLOOR -> ratio == 1;
                    case CEIL, SIMPLE -> true;
                };
                yield upper ? new double[] {0, 1} : new double[] {1, 0};
            }
            case LINEAR -> {
                if (!f.antialias() || scale >= 1) {
                    yield new double[] {1 - ratio, ratio};
                }
                int first = (int) Math.floor(-1 / scale) + 1;
                int n = 2 - 2 * first;
                double[] c = new double[n];
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    double arg = (first + t - ratio) * scale;
                    c[t] = Math.max(0, Math.min(1, 1 - Math.abs(arg)));
                    sum += c[t];
                }
                for (int t = 0; t < n; t++) {
                    c[t] /= sum;
                }
                yield c;
            }
            case CUBIC -> {
                double a = f.cubicA();
                if (!f.antialias() || scale >= 1) {
                    double r1 = ratio + 1;
                    double q = 1 - ratio;
                    double q1 = q + 1;
                    yield new double[] {
                        ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
                        ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
                        ((a + 2) * q - (a + 3)) * q * q + 1,
                        ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a,
                    };
                }
                int first = (int) Math.floor(-2 / scale) + 1;
                int n = 2 - 2 * first;
                double[] c = new double[n];
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    double v = Math.abs(scale * (first + t - ratio));
                    c[t] = v <= 1 ? ((a + 2) * v - (a + 3)) * v * v + 1
                            : v < 2 ? ((a * v - 5 * a) * v + 8 * a) * v - 4 * a : 0;
                    sum += c[t];
                }
                for (int t = 0; t < n; t++) {
                    c[t] /= sum;
                }
                yield c;
            }
        };
    }
}
