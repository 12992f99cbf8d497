package dev.cotenant.ops;

import java.util.Arrays;

/** ONNX (numpy-style) broadcasting of shapes, and the index arithmetic that follows from it. */
public final class Broadcast {

    private Broadcast() {}

    /**
     * The multidirectional broadcast of {@code shapes}: right-aligned, each dimension equal or 1.
     * Returns {@code null} when the shapes do not broadcast.
     */
    public static int[] shape(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                int d = s[i];
                if (out[o] == 1) {
                    out[o] = d;
                } else if (d != 1 && d != out[o]) {
                    return null;
                }
            }
        }
        return out;
    }

    /**
     * For an input of shape {@code in} broadcast to {@code out}: the input's element stride along
     * each output dimension, 0 where the input is broadcast (missing or of size 1).
     */
    public static int[] strides(int[] in, int[] out) {
        int[] st = new int[out.length];
        int stride = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            int o = out.length - in.length + i;
            st[o] = in[i] == 1 && out[o] != 1 ? 0 : stride;
            stride *= in[i];
        }
        return st;
    }

    /** Row-major strides of a compact tensor of shape {@code shape}. */
    public static int[] compactStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /**
     * The offset into an input with strides {@code st} (from {@link #strides}) of output element
     * {@code index} of a tensor of shape {@code out}. For reference kernels and small tensors.
     */
    public static int offset(int index, int[] out, int[] st) {
        int off = 0;
        for (int d = out.length - 1; d >= 0; d--) {
            int n = out[d];
            off += (index % n) * st[d];
            index /= n;
        }
        return off;
    }
}
