package dev.cotenant.kernels;

/** The plain triple loop that {@link Sgemm} must agree with: the oracle of its tests. */
public final class SgemmReference {

    private SgemmReference() {}

    /**
     * {@code C = alpha * op(A) . op(B)} accumulated in double, for row-major A ({@code m x k}, or
     * {@code k x m} when {@code transA}) and B ({@code k x n}, or {@code n x k} when {@code transB}).
     */
    public static float[] multiply(int m, int n, int k, float[] a, boolean transA, float[] b, boolean transB, float alpha) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = (float) (alpha * s);
            }
        }
        return c;
    }
}
