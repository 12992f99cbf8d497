package dev.cotenant.kernels;

/**
 * Direct N-dimensional convolution and transposed convolution, in double, by the definitions in
 * the ONNX specification: the oracle for the fast convolution kernels, and the path for layouts
 * they do not cover. Shapes are {@code [N, C, spatial...]}; weights {@code [M, C/group, k...]} for
 * convolution and {@code [C, M/group, k...]} for the transpose.
 */
public final class ConvReference {

    private ConvReference() {}

    /** Spatial geometry: kernel, strides, dilations, leading pads, output size, per spatial axis. */
    public record Window(int[] kernel, int[] strides, int[] dilations, int[] padsBegin, int[] outSpatial) {}

    public static double[] conv(double[] x, int[] xShape, double[] wt, int m, double[] bias, int group, Window win) {
        int n = xShape[0];
        int c = xShape[1];
        int r = xShape.length - 2;
        int cg = c / group;
        int mg = m / group;
        int inPlane = planeSize(xShape, 2);
        int outPlane = product(win.outSpatial());
        int kSize = product(win.kernel());
        double[] y = new double[n * m * outPlane];
        int[] o = new int[r];
        int[] kk = new int[r];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / mg;
                for (int op = 0; op < outPlane; op++) {
                    unflatten(op, win.outSpatial(), o);
                    double s = bias == null ? 0 : bias[oc];
                    for (int ci = 0; ci < cg; ci++) {
                        int xc = (b * c + g * cg + ci) * inPlane;
                        int wc = (oc * cg + ci) * kSize;
                        for (int kp = 0; kp < kSize; kp++) {
                            unflatten(kp, win.kernel(), kk);
                            int idx = 0;
                            boolean inside = true;
                            for (int d = 0; d < r && inside; d++) {
                                int i = o[d] * win.strides()[d] - win.padsBegin()[d] + kk[d] * win.dilations()[d];
                                inside = i >= 0 && i < xShape[2 + d];
                                idx = idx * xShape[2 + d] + i;
                            }
                            if (inside) {
                                s += x[xc + idx] * wt[wc + kp];
                            }
                        }
                    }
                    y[(b * m + oc) * outPlane + op] = s;
                }
            }
        }
        return y;
    }

    /** Transposed convolution; {@code m} output channels, output spatial size in {@code win}. */
    public static double[] convTranspose(double[] x, int[] xShape, double[] wt, int m, double[] bias, int group, Window win) {
        int n = xShape[0];
        int c = xShape[1];
        int r = xShape.length - 2;
        int cg = c / group;
        int mg = m / group;
        int inPlane = planeSize(xShape, 2);
        int outPlane = product(win.outSpatial());
        int kSize = product(win.kernel());
        double[] y = new double[n * m * outPlane];
        int[] in = new int[r];
        int[] kk = new int[r];
        int[] inSpatial = new int[r];
        System.arraycopy(xShape, 2, inSpatial, 0, r);
        for (int b = 0; b < n; b++) {
            for (int ic = 0; ic < c; ic++) {
                int g = ic / cg;
                for (int ip = 0; ip < inPlane; ip++) {
                    unflatten(ip, inSpatial, in);
                    double xv = x[(b * c + ic) * inPlane + ip];
                    for (int mo = 0; mo < mg; mo++) {
                        int oc = g * mg + mo;
                        int wc = (ic * mg + mo) * kSize;
                        for (int kp = 0; kp < kSize; kp++) {
                            unflatten(kp, win.kernel(), kk);
                            int idx = 0;
                            boolean inside = true;
                            for (int d = 0; d < r && inside; d++) {
                                int o = in[d] * win.strides()[d] - win.padsBegin()[d] + kk[d] * win.dilations()[d];
                                inside = o >= 0 && o < win.outSpatial()[d];
                                idx = idx * win.outSpatial()[d] + o;
                            }
                            if (inside) {
                                y[(b * m + oc) * outPlane + idx] += xv * wt[wc + kp];
                            }
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int b = 0; b < n; b++) {
                for (int oc = 0; oc < m; oc++) {
                    for (int op = 0; op < outPlane; op++) {
                        y[(b * m + oc) * outPlane + op] += bias[oc];
                    }
                }
            }
        }
        return y;
    }

    static int planeSize(int[] shape, int from) {
        int s = 1;
        for (int i = from; i < shape.length; i++) {
            s *= shape[i];
        }
        return s;
    }

    static int product(int[] a) {
        return planeSize(a, 0);
    }

    private static void unflatten(int index, int[] dims, int[] out) {
        for (int d = dims.length - 1; d >= 0; d--) {
            out[d] = index % dims[d];
            index /= dims[d];
        }
    }
}
