package dev.cotenant.ir;

import java.util.Arrays;

/**
 * A dense, row-major tensor: an element type, a concrete shape and a window of one backing array.
 *
 * <p>The backing array depends on the type's {@link DataType.Storage}: {@code float[]} for FP32 and
 * FP16, {@code double[]} for FP64, {@code long[]} for integers and BOOL. A tensor may be a view into
 * a larger array (a plan's arena) starting at {@link #offset()}; kernels index
 * {@code floats()[offset() + i]}. Constants in a {@link Graph} are never written after creation.
 *
 * <p>The generic accessors ({@link #getDouble}, {@link #setDouble}, {@link #getLong},
 * {@link #setLong}) work for every supported type and apply the type's rounding or wrapping; they
 * are for shape computations and reference kernels, not hot loops.
 */
public final class Tensor {

    private final DataType type;
    private final int[] shape;
    private final int size;
    private final Object data;
    private final int offset;

    private Tensor(DataType type, int[] shape, Object data, int offset) {
        if (!type.supported()) {
            throw new IllegalArgumentException("unsupported data type " + type.onnxName());
        }
        this.type = type;
        this.shape = shape.clone();
        long n = Shape.size(shape);
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tensor of " + n + " elements is too large");
        }
        this.size = (int) n;
        this.data = data;
        this.offset = offset;
        int length = switch (data) {
            case float[] f -> f.length;
            case double[] d -> d.length;
            case long[] l -> l.length;
            default -> throw new IllegalArgumentException("bad backing array");
        };
        if (offset < 0 || offset + size > length) {
            throw new IllegalArgumentException("view [" + offset + ", " + (offset + size) + ") outside array of " + length);
        }
    }

    /** A new zero-filled tensor. */
    public static Tensor allocate(DataType type, int... shape) {
        int n = Math.toIntExact(Shape.size(shape));
        Object data = switch (type.storage()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I64 -> new long[n];
            case NONE -> throw new IllegalArgumentException("unsupported data type " + type.onnxName());
        };
        return new Tensor(type, shape, data, 0);
    }

    /** A view of {@code array} (of the type's storage kind) starting at {@code offset}. */
    public static Tensor view(DataType type, int[] shape, Object array, int offset) {
        return new Tensor(type, shape, array, offset);
    }

    public static Tensor of(float[] values, int... shape) {
        return new Tensor(DataType.FLOAT, shape, values, 0);
    }

    public static Tensor ofLongs(DataType type, long[] values, int... shape) {
        return new Tensor(type, shape, values, 0);
    }

    public static Tensor ofDoubles(double[] values, int... shape) {
        return new Tensor(DataType.DOUBLE, shape, values, 0);
    }

    /** A rank-0 INT64 tensor. */
    public static Tensor scalar(long v) {
        return new Tensor(DataType.INT64, new int[0], new long[] {v}, 0);
    }

    /** A rank-0 FLOAT tensor. */
    public static Tensor scalar(float v) {
        return new Tensor(DataType.FLOAT, new int[0], new float[] {v}, 0);
    }

    public DataType dataType() {
        return type;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return size;
    }

    public int offset() {
        return offset;
    }

    public TensorType type() {
        return new TensorType(type, Shape.of(shape));
    }

    public float[] floats() {
        if (data instanceof float[] f) {
            return f;
        }
        throw new IllegalStateException(type.onnxName() + " tensor has no float storage");
    }

    public double[] doubles() {
        if (data instanceof double[] d) {
            return d;
        }
        throw new IllegalStateException(type.onnxName() + " tensor has no double storage");
    }

    public long[] longs() {
        if (data instanceof long[] l) {
            return l;
        }
        throw new IllegalStateException(type.onnxName() + " tensor has no integer storage");
    }

    /** The backing array, of the storage kind's type. */
    public Object array() {
        return data;
    }

    /** Element {@code i} (row-major) as a double; UINT64 is read unsigned. */
    public double getDouble(int i) {
        return switch (data) {
            case float[] f -> f[offset + i];
            case double[] d -> d[offset + i];
            case long[] l -> type == DataType.UINT64 ? unsignedToDouble(l[offset + i]) : (double) l[offset + i];
            default -> throw new AssertionError();
        };
    }

    /** Element {@code i} as a long; floats are truncated toward zero. */
    public long getLong(int i) {
        return switch (data) {
            case float[] f -> (long) f[offset + i];
            case double[] d -> (long) d[offset + i];
            case long[] l -> l[offset + i];
            default -> throw new AssertionError();
        };
    }

    /** Stores {@code v} at {@code i}, rounded (FP16) or converted and wrapped (integers). */
    public void setDouble(int i, double v) {
        switch (data) {
            case float[] f -> f[offset + i] = type.round((float) v);
            case double[] d -> d[offset + i] = v;
            case long[] l -> l[offset + i] = type.wrap(type == DataType.BOOL ? (v != 0 ? 1 : 0) : doubleToLong(v, type));
            default -> throw new AssertionError();
        }
    }

    /** Stores {@code v} at {@code i}, wrapped to the type's width or converted to its float type. */
    public void setLong(int i, long v) {
        switch (data) {
            case float[] f -> f[offset + i] = type.round((float) v);
            case double[] d -> d[offset + i] = v;
            case long[] l -> l[offset + i] = type.wrap(v);
            default -> throw new AssertionError();
        }
    }

    private static long doubleToLong(double v, DataType target) {
        if (target == DataType.UINT64 && v >= 0x1p63) {
            return (long) (v - 0x1p63) ^ Long.MIN_VALUE;
        }
        return (long) v;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    /** A tensor of the same type and values with another shape of the same size, sharing storage. */
    public Tensor reshape(int... newShape) {
        if (Shape.size(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(type, newShape, data, offset);
    }

    /** A compact copy with its own storage. */
    public Tensor copy() {
        Tensor t = allocate(type, shape);
        copyInto(t);
        return t;
    }

    /** Copies this tensor's elements into {@code dst}, which must be of the same storage kind and size. */
    public void copyInto(Tensor dst) {
        if (dst.size != size || dst.type.storage() != type.storage()) {
            throw new IllegalArgumentException("copy of " + type() + " into " + dst.type());
        }
        System.arraycopy(data, offset, dst.data, dst.offset, size);
    }

    /** Values as longs, for small integer tensors such as shapes and axes. */
    public long[] toLongArray() {
        long[] r = new long[size];
        for (int i = 0; i < size; i++) {
            r[i] = getLong(i);
        }
        return r;
    }

    /** Values as floats (a copy). */
    public float[] toFloatArray() {
        float[] r = new float[size];
        for (int i = 0; i < size; i++) {
            r[i] = (float) getDouble(i);
        }
        return r;
    }

    @Override
    public String toString() {
        return "Tensor" + type();
    }
}
