package dev.cotenant.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Every FP32 fast kernel against its scalar reference twin, on sizes around the vector width. */
class ElementwiseKernelsTest {

    static final int[] SIZES = {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 100, 255, 1031};

    static float[] random(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    static void close(String what, float expect, float got, double rel) {
        if (Float.isNaN(expect) && Float.isNaN(got)) {
            return;
        }
        if (!(Math.abs(expect - got) <= rel * Math.abs(expect) + 1e-6f) && expect != got) {
            fail(what + ": " + got + " vs " + expect);
        }
    }

    @Test
    void binary() {
        Random r = new Random(1);
        for (BinaryFloatKernels.Fn fn : BinaryFloatKernels.Fn.values()) {
            for (int n : SIZES) {
                for (int mode = 0; mode < 4; mode++) {
                    int as = mode & 1;
                    int bs = (mode >> 1) & 1;
                    float[] a = random(r, n + 4, 3);
                    float[] b = random(r, n + 4, 3);
                    float[] o1 = new float[n + 5];
                    float[] o2 = new float[n + 5];
                    BinaryFloatKernels.apply(fn, a, 2, as, b, 1, bs, o1, 3, n);
                    BinaryFloatKernels.applyReference(fn, a, 2, as, b, 1, bs, o2, 3, n);
                    for (int i = 0; i < o1.length; i++) {
                        close(fn + " n=" + n + " strides " + as + "," + bs + " at " + i, o2[i], o1[i], 0);
                    }
                }
            }
        }
    }

    /** Rows of one vector and of other lengths, with per-row offsets as a blocked per-channel broadcast gives. */
    @Test
    void binaryRows() {
        Random r = new Random(3);
        int w = VectorUnit.FLOAT.length();
        for (BinaryFloatKernels.Fn fn : BinaryFloatKernels.Fn.values()) {
            for (int inner : new int[] {1, 3, w, 2 * w, w + 1}) {
                for (int mode = 0; mode < 4; mode++) {
                    int as = mode & 1;
                    int bs = (mode >> 1) & 1;
                    int rows = 13;
                    int[] aRows = new int[rows];
                    int[] bRows = new int[rows];
                    for (int k = 0; k < rows; k++) {
                        aRows[k] = k * inner;
                        bRows[k] = (k / 4) * inner;
                    }
                    float[] a = random(r, rows * inner + 2, 3);
                    float[] b = random(r, rows * inner + 3, 3);
                    float[] o1 = new float[rows * inner + 4];
                    float[] o2 = new float[rows * inner + 4];
                    BinaryFloatKernels.applyRows(fn, a, 2, as, aRows, b, 3, bs, bRows, o1, 1, inner, 2, rows);
                    BinaryFloatKernels.applyRowsReference(fn, a, 2, as, aRows, b, 3, bs, bRows, o2, 1, inner, 2, rows);
                    for (int i = 0; i < o1.length; i++) {
                        close(fn + " rows of " + inner + " strides " + as + "," + bs + " at " + i, o2[i], o1[i], 0);
                    }
                }
            }
        }
    }

    @Test
    void unaryFunctions() {
        Random r = new Random(2);
        for (UnaryFunction f : UnaryFunction.values()) {
            for (int n : SIZES) {
                float[] a = random(r, n + 2, 2);
                if (f == UnaryFunction.LOG || f == UnaryFunction.SQRT || f == UnaryFunction.ACOSH) {
                    for (int i = 0; i < a.length; i++) {
                        a[i] = Math.abs(a[i]) + (f == UnaryFunction.ACOSH ? 1 : 0);
                    }
                }
                float[] got = new float[n + 2];
                f.apply(a, 1, got, 1, n);
                for (int i = 1; i <= n; i++) {
                    close(f + " n=" + n + " x=" + a[i], (float) f.at(a[i]), got[i], 2e-6);
                }
            }
        }
    }

    @Test
    void unaryFunctionsGiveAnElementTheSameBitsInTheVectorBodyAndInTheTail() {
        int w = VectorUnit.FLOAT.length();
        float[] a = random(new Random(12), 4 * w + 3, 3);
        for (UnaryFunction f : UnaryFunction.values()) {
            float[] whole = new float[a.length];
            f.apply(a, 0, whole, 0, a.length);
            float[] one = new float[1];
            for (int i = 0; i < a.length; i++) {
                f.apply(a, i, one, 0, 1);
                assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(one[0]), f + "(" + a[i] + ")");
            }
        }
    }

    @Test
    void reductions() {
        Random r = new Random(3);
        for (ReduceKernels.Combine c : ReduceKernels.Combine.values()) {
            for (int n : SIZES) {
                float[] a = random(r, n + 3, 1);
                close(c + " row n=" + n, ReduceKernels.rowReference(c, a, 2, n), ReduceKernels.row(c, a, 2, n), 1e-5);
                for (int count : new int[] {0, 1, 3, 8}) {
                    int inner = Math.max(1, n % 37);
                    float[] x = random(r, count * inner + 5, 1);
                    float[] acc1 = new float[inner + 2];
                    float[] acc2 = new float[inner + 2];
                    ReduceKernels.accumulate(c, x, 5, count, inner, acc1, 1, inner);
                    ReduceKernels.accumulateReference(c, x, 5, count, inner, acc2, 1, inner);
                    for (int j = 0; j < acc1.length; j++) {
                        close(c + " accumulate count=" + count + " inner=" + inner, acc2[j], acc1[j], 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void softmax() {
        Random r = new Random(4);
        for (boolean log : new boolean[] {false, true}) {
            for (int n : SIZES) {
                for (double scale : new double[] {1, 100}) {
                    float[] x = random(r, n + 3, scale);
                    float[] y1 = new float[n + 4];
                    float[] y2 = new float[n + 4];
                    SoftmaxKernels.row(x, 3, y1, 1, n, log);
                    SoftmaxKernels.rowReference(x, 3, y2, 1, n, log);
                    for (int i = 0; i < y1.length; i++) {
                        close((log ? "log" : "") + "softmax n=" + n, y2[i], y1[i], 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void softmaxDownColumns() {
        Random r = new Random(11);
        for (boolean log : new boolean[] {false, true}) {
            for (int n : new int[] {1, 2, 3, 10}) {
                for (int width : SIZES) {
                    int stride = width + 3;
                    float[] x = random(r, n * stride + 2, 5);
                    float[] y1 = new float[x.length];
                    float[] y2 = new float[x.length];
                    SoftmaxKernels.columns(x, 2, y1, 2, n, stride, width, log, new float[2 * width]);
                    SoftmaxKernels.columnsReference(x, 2, y2, 2, n, stride, width, log);
                    for (int i = 0; i < y1.length; i++) {
                        close("columns n=" + n + " width=" + width, y2[i], y1[i], 1e-5);
                    }
                }
            }
        }
    }
}
