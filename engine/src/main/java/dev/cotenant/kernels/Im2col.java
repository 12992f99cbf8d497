package dev.cotenant.kernels;

/**
 * Lays out the input windows of a 2-D convolution as the columns of a matrix, written directly in
 * {@link Sgemm}'s packed B layout: row {@code k = (c, kh, kw)}, column {@code n = (oh, ow)}. The
 * convolution is then one GEMM of the pre-packed weights by this matrix, and no separate packing
 * pass is needed. Padding positions become zeros; columns past {@code OH * OW} in the last panel
 * are never written, so the buffer must start zeroed (it is allocated once, at bind time).
 */
public final class Im2col {

    private Im2col() {}

    /** Geometry of one 2-D convolution over a {@code C x H x W} input. */
    public record Geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int ph, int pw, int oh, int ow) {

        public int rows() {
            return c * kh * kw;
        }

        public int cols() {
            return oh * ow;
        }
    }

    /** Fills the packed matrix for the input starting at {@code x[xOff]}. */
    public static void pack(float[] x, int xOff, Geometry g, float[] dst, int dOff, Workers w) {
        int rows = g.rows();
        int cols = g.cols();
        w.parallelFor(rows, Math.max(1, 32768 / Math.max(1, cols)), (s, e) -> {
            for (int k = s; k < e; k++) {
                row(x, xOff, g, k, 0, cols, dst, dOff);
            }
        });
    }

    /**
     * Fills the packed matrix of columns {@code [n0, n1)} only ({@code n0} a multiple of
     * {@link Sgemm#NR}), as a matrix of {@code n1 - n0} columns: a block small enough to stay in
     * cache until the GEMM reads it.
     */
    public static void packColumns(float[] x, int xOff, Geometry g, int n0, int n1, float[] dst, int dOff) {
        int rows = g.rows();
        for (int k = 0; k < rows; k++) {
            row(x, xOff, g, k, n0, n1, dst, dOff);
        }
    }

    private static void row(float[] x, int xOff, Geometry g, int k, int n0, int n1, float[] dst, int dOff) {
        int nr = Sgemm.NR;
        int kk = g.kh * g.kw;
        int c = k / kk;
        int kh = (k / g.kw) % g.kh;
        int kw = k % g.kw;
        int rows = g.rows();
        int jump = rows * nr - nr;
        int base = xOff + c * g.h * g.w;
        int shift = kw * g.dw - g.pw;
        // Output columns whose input column is inside the image: iw = ow * sw + shift in [0, W).
        int lo = Math.min(g.ow, shift >= 0 ? 0 : (-shift + g.sw - 1) / g.sw);
        int hi = g.w - 1 - shift < 0 ? 0 : Math.min(g.ow, (g.w - 1 - shift) / g.sw + 1);
        hi = Math.max(hi, lo);
        int p = dOff + k * nr;
        int lane = 0;
        int n = n0;
        while (n < n1) {
            int oh = n / g.ow;
            int a = n - oh * g.ow;
            int b = Math.min(g.ow, a + (n1 - n));
            n += b - a;
            int ih = oh * g.sh - g.ph + kh * g.dh;
            if (ih < 0 || ih >= g.h) {
                for (int ow = a; ow < b; ow++) {
                    dst[p++] = 0f;
                    if (++lane == nr) {
                        lane = 0;
                        p += jump;
                    }
                }
                continue;
            }
            int src = base + ih * g.w + shift;
            int l = Math.max(a, Math.min(lo, b));
            int h = Math.max(l, Math.min(hi, b));
            for (int ow = a; ow < l; ow++) {
                dst[p++] = 0f;
                if (++lane == nr) {
                    lane = 0;
                    p += jump;
                }
            }
            if (g.sw == 1) {
                int ow = l;
                while (ow < h) {
                    int run = Math.min(h - ow, nr - lane);
                    System.arraycopy(x, src + ow, dst, p, run);
                    ow += run;
                    p += run;
                    lane += run;
                    if (lane == nr) {
                        lane = 0;
                        p += jump;
                    }
                }
            } else {
                for (int ow = l; ow < h; ow++) {
                    dst[p++] = x[src + ow * g.sw];
                    if (++lane == nr) {
                        lane = 0;
                        p += jump;
                    }
                }
            }
            for (int ow = h; ow < b; ow++) {
                dst[p++] = 0f;
                if (++lane == nr) {
                    lane = 0;
                    p += jump;
                }
            }
        }
    }
}
