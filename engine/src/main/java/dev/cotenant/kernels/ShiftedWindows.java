package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM operand of a stride-1 or stride-2 convolution without im2col. Once the input is copied
 * into zero-bordered planes of width {@code Wp = OW + KW - 1}, output pixel {@code (oh, ow)} placed at
 * "virtual" column {@code n = oh * Wp + ow} reads tap {@code (kh, kw)} of channel {@code c} at
 * {@code plane(c) + n + kh * Wp + kw}: every row of the im2col matrix is the padded input shifted by
 * a constant. With stride {@code s} the padded input is first split into {@code s x s} phase
 * planes (even and odd rows and columns for s = 2) of width {@code OW + (KW - 1) / s}; tap
 * {@code (kh, kw)} then reads phase {@code (kh mod s, kw mod s)} shifted by
 * {@code (kh / s) * Wp + kw / s}, again a constant. Packing a column panel is then one contiguous vector copy per row, with none of
 * im2col's per-pixel border arithmetic (which cost as much as the multiply on ResNet's 3x3 layers).
 * The price is {@code (KW - 1) / s} wasted columns per output row (4% at 56 wide, 13% at 14),
 * whose results are dropped when the block is copied out; {@link #suits} accepts a convolution when
 * that costs at most an eighth more column panels.
 * {@link ConvReference} is the oracle (through the convolution operator's tests).
 */
public final class ShiftedWindows {

    private static final VectorSpecies<Float> S = SgemmKernel.S;
    private static final int W = SgemmKernel.W;

    /** Padded-plane geometry of one convolution of stride {@code s} in both axes. */
    public record Grid(int c, int h, int w, int kh, int kw, int s, int ph, int pw, int oh, int ow) {

        /** Padded phase-row width, also the virtual columns per output row. */
        public int wp() {
            return ow + (kw - 1) / s;
        }

        int hp() {
            return oh + (kh - 1) / s;
        }

        /** Where phase plane {@code (py, px)} of channel {@code c} starts. */
        int at(int c, int py, int px) {
            return ((c * s + py) * s + px) * plane();
        }

        /** Floats per padded plane: the plane and slack for the last panel's over-read. */
        public int plane() {
            return hp() * wp() + Sgemm.NR + kw;
        }

        /** Virtual output columns. */
        public int cols() {
            return oh * wp();
        }

        /** GEMM depth. */
        public int rows() {
            return c * kh * kw;
        }
    }

    private ShiftedWindows() {}

    /**
     * Whether the shifted-window path can compute the convolution at all: undilated, stride 1
     * (with a window) or 2 in both axes, each pad smaller than its window.
     */
    public static boolean applies(Im2col.Geometry g) {
        int s = g.sh();
        return g.sw() == s && (s == 1 || s == 2) && g.dh() == 1 && g.dw() == 1 && !(s == 1 && g.kh() * g.kw() == 1)
                && g.ph() < g.kh() && g.pw() < g.kw();
    }

    /**
     * Whether the path {@link #applies} and pays: few channels at stride 2, and padded rows that
     * waste at most an eighth more column panels than im2col's. The panel width follows the vector
     * width, so the answer can differ between machines; results never do.
     */
    public static boolean suits(Im2col.Geometry g) {
        if (!applies(g)) {
            return false;
        }
        int s = g.sh();
        if (s == 2 && g.c() > 4) {
            // Measured: for ResNet-50's stride-2 layers past the stem (128 to 1024 channels) the
            // scalar phase split cost more than im2col's strided copies saved; the stem (3
            // channels, 7x7) gained about a quarter.
            return false;
        }
        int nr = Sgemm.NR;
        long virtual = ((long) g.oh() * (g.ow() + (g.kw() - 1) / s) + nr - 1) / nr;
        long real = ((long) g.oh() * g.ow() + nr - 1) / nr;
        return virtual * 8 <= real * 9;
    }

    public static Grid grid(Im2col.Geometry g) {
        return new Grid(g.c(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.ph(), g.pw(), g.oh(), g.ow());
    }

    /** Floats of the padded input: {@code s x s} phase planes per channel. */
    public static int paddedSize(Grid g) {
        return Math.multiplyExact(g.c() * g.s() * g.s(), g.plane());
    }

    /**
     * Copies the image at {@code x[xOff]} into the interior of the padded planes. The borders are
     * never written, so they stay zero from the buffer's allocation.
     */
    public static void pad(float[] x, int xOff, Grid g, float[] xp, Workers w) {
        int wp = g.wp();
        int hp = g.hp();
        int st = g.s();
        w.parallelFor(g.c(), Math.max(1, 16384 / Math.max(1, g.h() * g.w())), (s, e) -> {
            for (int c = s; c < e; c++) {
                int src = xOff + c * g.h() * g.w();
                if (st == 1) {
                    int len = Math.min(g.w(), wp - g.pw());
                    int dst = g.at(c, 0, 0) + g.ph() * wp + g.pw();
                    for (int ih = 0; ih < Math.min(g.h(), hp - g.ph()); ih++) {
                        System.arraycopy(x, src + ih * g.w(), xp, dst + ih * wp, len);
                    }
                    continue;
                }
                // Padded pixel (r, q) goes to phase (r mod s, q mod s) at (r / s, q / s).
                for (int ih = 0; ih < g.h(); ih++) {
                    int r = ih + g.ph();
                    if (r / st >= hp) {
                        break;
                    }
                    int sr = src + ih * g.w();
                    for (int px = 0; px < st; px++) {
                        int dst = g.at(c, r % st, px) + (r / st) * wp;
                        // Input columns iw with (iw + pw) mod s == px.
                        int first = Math.floorMod(px - g.pw(), st);
                        for (int iw = first; iw < g.w(); iw += st) {
                            int q = (iw + g.pw()) / st;
                            if (q >= wp) {
                                break;
                            }
                            xp[dst + q] = x[sr + iw];
                        }
                    }
                }
            }
        });
    }

    /**
     * Packs virtual columns {@code [n0, n1)} ({@code n0} a multiple of {@link Sgemm#NR}) as Sgemm's
     * B panels, the first at {@code dst[dOff]}.
     */
    public static void packColumns(float[] xp, Grid g, int n0, int n1, float[] dst, int dOff) {
        int k = g.rows();
        int nr = Sgemm.NR;
        int wp = g.wp();
        int st = g.s();
        int panels = (n1 - n0 + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int d = dOff + q * k * nr;
            int col = n0 + q * nr;
            for (int c = 0; c < g.c(); c++) {
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++, d += nr) {
                        int src = g.at(c, kh % st, kw % st) + (kh / st) * wp + kw / st + col;
                        for (int j = 0; j < nr; j += W) {
                            FloatVector.fromArray(S, xp, src + j).intoArray(dst, d + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies the real output pixels among virtual columns {@code [n0, n1)} of an {@code m}-row block
     * {@code cb} (row stride {@code ldc}) into output planes {@code [m][OH x OW]} at {@code y[yOff]}.
     */
    public static void unpad(float[] cb, int ldc, int m, Grid g, int n0, int n1, float[] y, int yOff) {
        int wp = g.wp();
        int ow = g.ow();
        int outPlane = g.oh() * ow;
        for (int n = n0; n < n1; ) {
            int oh = n / wp;
            int a = n - oh * wp;
            int b = Math.min(wp, a + (n1 - n));
            int valid = Math.min(b, ow) - a;
            if (valid > 0) {
                int src = n - n0;
                int dst = yOff + oh * ow + a;
                for (int r = 0; r < m; r++) {
                    System.arraycopy(cb, r * ldc + src, y, dst + r * outPlane, valid);
                }
            }
            n += b - a;
        }
    }
}
