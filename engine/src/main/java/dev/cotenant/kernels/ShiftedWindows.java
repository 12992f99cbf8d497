package dev.cotenant.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM operand of a stride-1 convolution without im2col. Once the input is copied into
 * zero-bordered planes of width {@code Wp = OW + KW - 1}, output pixel {@code (oh, ow)} placed at
 * "virtual" column {@code n = oh * Wp + ow} reads tap {@code (kh, kw)} of channel {@code c} at
 * {@code plane(c) + n + kh * Wp + kw}: every row of the im2col matrix is the padded input shifted by
 * a constant. Packing a column panel is then one contiguous vector copy per row, with none of
 * im2col's per-pixel border arithmetic (which cost as much as the multiply on ResNet's 3x3 layers).
 * The price is {@code KW - 1} wasted columns per output row (4% at 56 wide, 13% at 14), whose
 * results are dropped when the block is copied out, so {@link #suits} asks for rows of 14 or more.
 * {@link ConvReference} is the oracle (through the convolution operator's tests).
 */
public final class ShiftedWindows {

    private static final VectorSpecies<Float> S = SgemmKernel.S;
    private static final int W = SgemmKernel.W;

    /** Padded-plane geometry of one convolution. */
    public record Grid(int c, int h, int w, int kh, int kw, int ph, int pw, int oh, int ow) {

        /** Padded row width, also the virtual columns per output row. */
        public int wp() {
            return ow + kw - 1;
        }

        int hp() {
            return oh + kh - 1;
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

    /** Whether the convolution is stride 1 and undilated, has a window, and rows wide enough to waste little. */
    public static boolean suits(Im2col.Geometry g) {
        return g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1 && g.kh() * g.kw() > 1 && g.ow() >= 14
                && g.ph() < g.kh() && g.pw() < g.kw();
    }

    public static Grid grid(Im2col.Geometry g) {
        return new Grid(g.c(), g.h(), g.w(), g.kh(), g.kw(), g.ph(), g.pw(), g.oh(), g.ow());
    }

    /**
     * Copies the image at {@code x[xOff]} into the interior of the padded planes. The borders are
     * never written, so they stay zero from the buffer's allocation.
     */
    public static void pad(float[] x, int xOff, Grid g, float[] xp, Workers w) {
        int wp = g.wp();
        int hp = g.hp();
        int len = Math.min(g.w(), wp - g.pw());
        int rows = Math.min(g.h(), hp - g.ph());
        w.parallelFor(g.c(), Math.max(1, 16384 / Math.max(1, g.h() * g.w())), (s, e) -> {
            for (int c = s; c < e; c++) {
                int src = xOff + c * g.h() * g.w();
                int dst = c * g.plane() + g.ph() * wp + g.pw();
                for (int ih = 0; ih < rows; ih++) {
                    System.arraycopy(x, src + ih * g.w(), xp, dst + ih * wp, len);
                }
            }
        });
    }

    /** Packs virtual columns {@code [n0, n1)} ({@code n0} a multiple of {@link Sgemm#NR}) as Sgemm's B panels. */
    public static void packColumns(float[] xp, Grid g, int n0, int n1, float[] dst) {
        int k = g.rows();
        int nr = Sgemm.NR;
        int wp = g.wp();
        int plane = g.plane();
        int panels = (n1 - n0 + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int d = q * k * nr;
            int col = n0 + q * nr;
            for (int c = 0; c < g.c(); c++) {
                int base = c * plane + col;
                for (int kh = 0; kh < g.kh(); kh++) {
                    int src = base + kh * wp;
                    for (int kw = 0; kw < g.kw(); kw++, d += nr) {
                        for (int j = 0; j < nr; j += W) {
                            FloatVector.fromArray(S, xp, src + kw + j).intoArray(dst, d + j);
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
