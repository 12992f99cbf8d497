package dev.cotenant.conformance;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import java.util.Arrays;

/**
 * Compares an output with its expected value the way the ONNX backend tests do: same shape, same
 * data type, floats within {@code |got - expected| <= ATOL + RTOL * |expected|} (NaN equals NaN,
 * infinities must match exactly), integers and booleans exactly.
 */
final class Comparison {

    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;

    private Comparison() {}

    /** {@code null} when {@code got} matches {@code expected}, else a one-line reason naming {@code output}. */
    static String check(String output, Tensor expected, Tensor got) {
        String what = "output '" + output + "'";
        if (got == null) {
            return what + " was not produced";
        }
        if (expected.dataType() != got.dataType()) {
            return what + ": expected data type " + expected.dataType().onnxName() + ", got " + got.dataType().onnxName();
        }
        if (!Arrays.equals(expected.shape(), got.shape())) {
            return what + ": expected shape " + Shape.of(expected.shape()) + ", got " + Shape.of(got.shape());
        }
        boolean floating = expected.dataType().isFloat();
        int n = expected.size();
        int firstBad = -1;
        int bad = 0;
        double maxError = 0;
        for (int i = 0; i < n; i++) {
            boolean ok;
            if (floating) {
                double e = expected.getDouble(i);
                double g = got.getDouble(i);
                double err = Math.abs(g - e);
                ok = e == g || (Double.isNaN(e) && Double.isNaN(g)) || err <= ATOL + RTOL * Math.abs(e);
                if (!Double.isNaN(err) && err > maxError) {
                    maxError = err;
                } else if (Double.isNaN(err) && !ok) {
                    maxError = Double.NaN;
                }
            } else {
                ok = expected.getLong(i) == got.getLong(i);
            }
            if (!ok) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        String reason = what + ": " + bad + " of " + n + " elements differ; first at index " + firstBad
                + " " + Arrays.toString(coordinates(firstBad, expected.shape()))
                + ": expected " + format(expected, firstBad) + ", got " + format(got, firstBad);
        if (floating) {
            reason += "; max abs error " + maxError;
        }
        return reason;
    }

    private static String format(Tensor t, int i) {
        if (t.dataType().isFloat()) {
            return Double.toString(t.getDouble(i));
        }
        if (t.dataType() == DataType.UINT64) {
            return Long.toUnsignedString(t.getLong(i));
        }
        if (t.dataType() == DataType.BOOL) {
            return t.getLong(i) != 0 ? "true" : "false";
        }
        return Long.toString(t.getLong(i));
    }

    private static int[] coordinates(int index, int[] shape) {
        int[] c = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            if (shape[a] > 0) {
                c[a] = index % shape[a];
                index /= shape[a];
            }
        }
        return c;
    }
}
