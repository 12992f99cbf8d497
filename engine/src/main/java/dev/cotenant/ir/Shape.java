package dev.cotenant.ir;

import java.util.Arrays;

/**
 * A tensor's dimensions. A dimension may be unknown ({@code -1}) in a graph's declared types, with
 * an optional symbolic name (such as {@code "batch"}); shapes in a plan are always concrete.
 */
public record Shape(int[] dims, String[] symbols) {

    public static final int UNKNOWN = -1;

    public Shape {
        dims = dims.clone();
        symbols = symbols == null ? new String[dims.length] : symbols.clone();
        if (symbols.length != dims.length) {
            throw new IllegalArgumentException("symbols and dims differ in rank");
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims, null);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    /** A copy of the dimensions. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public String[] symbols() {
        return symbols.clone();
    }

    public boolean isConcrete() {
        for (int d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** Number of elements; only meaningful for a concrete shape. */
    public long size() {
        return size(dims);
    }

    public static long size(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (dims[i] >= 0) {
                b.append(dims[i]);
            } else {
                b.append(symbols[i] != null ? symbols[i] : "?");
            }
        }
        return b.append(']').toString();
    }
}
