package dev.cotenant.server.protocol;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tensors as raw bytes, the form of the binary-data extension and of gRPC's
 * {@code raw_input_contents}: row-major, little-endian, each element at its datatype's width
 * (BOOL one byte, FP16 IEEE half precision).
 */
public final class RawTensors {

    /** The REST header giving the length of the JSON part of a body whose binary tensors follow it. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private RawTensors() {}

    public static int[] dims(long[] shape, String where) {
        int[] d = new int[shape.length];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
                throw InferError.badRequest(where + ": dimension " + i + " of shape " + Arrays.toString(shape) + " is invalid");
            }
            d[i] = (int) shape[i];
            n *= Math.max(1, shape[i]);
            if (n > Integer.MAX_VALUE / 8) {
                throw InferError.badRequest(where + ": shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return d;
    }

    /** Decodes {@code length} bytes at {@code offset} into a tensor of {@code type} and {@code shape}. */
    public static Tensor decode(byte[] src, int offset, int length, Datatype type, long[] shape, String where) {
        int[] d = dims(shape, where);
        DataType dt = type.engine();
        long n = dev.cotenant.ir.Shape.size(d);
        long expected = n * type.byteSize();
        if (length != expected) {
            throw InferError.badRequest(where + ": " + length + " bytes of data but shape " + Arrays.toString(shape) + " of "
                    + type + " needs " + expected + " bytes (" + n + " elements)");
        }
        ByteBuffer b = ByteBuffer.wrap(src, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = Tensor.allocate(dt, d);
        int size = (int) n;
        switch (type) {
            case FP32 -> b.asFloatBuffer().get(t.floats(), 0, size);
            case FP64 -> b.asDoubleBuffer().get(t.doubles(), 0, size);
            case FP16 -> {
                float[] f = t.floats();
                for (int i = 0; i < size; i++) {
                    f[i] = Float.float16ToFloat(b.getShort());
                }
            }
            case INT64, UINT64 -> b.asLongBuffer().get(t.longs(), 0, size);
            case INT32 -> fill(t, size, i -> b.getInt());
            case UINT32 -> fill(t, size, i -> b.getInt() & 0xffffffffL);
            case INT16 -> fill(t, size, i -> b.getShort());
            case UINT16 -> fill(t, size, i -> b.getShort() & 0xffff);
            case INT8 -> fill(t, size, i -> b.get());
            case UINT8 -> fill(t, size, i -> b.get() & 0xff);
            case BOOL -> fill(t, size, i -> b.get() != 0 ? 1 : 0);
            case BYTES, BF16 -> throw InferError.badRequest(where + ": datatype " + type + " is not supported by this server");
        }
        return t;
    }

    private interface Element {
        long at(int i);
    }

    private static void fill(Tensor t, int n, Element e) {
        long[] l = t.longs();
        for (int i = 0; i < n; i++) {
            l[i] = e.at(i);
        }
    }

    /** The tensor's elements as little-endian bytes of its protocol datatype. */
    public static byte[] encode(Tensor t) {
        Datatype type = Datatype.of(t.dataType());
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        Object a = t.array();
        int o = t.offset();
        switch (type) {
            case FP32 -> b.asFloatBuffer().put((float[]) a, o, n);
            case FP64 -> b.asDoubleBuffer().put((double[]) a, o, n);
            case FP16 -> {
                for (int i = 0; i < n; i++) {
                    b.putShort(Float.floatToFloat16(((float[]) a)[o + i]));
                }
            }
            case INT64, UINT64 -> b.asLongBuffer().put((long[]) a, o, n);
            case INT32, UINT32 -> {
                for (int i = 0; i < n; i++) {
                    b.putInt((int) ((long[]) a)[o + i]);
                }
            }
            case INT16, UINT16 -> {
                for (int i = 0; i < n; i++) {
                    b.putShort((short) ((long[]) a)[o + i]);
                }
            }
            case INT8, UINT8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    b.put((byte) ((long[]) a)[o + i]);
                }
            }
            case BYTES, BF16 -> throw new InferError(InferError.Kind.INTERNAL, "cannot encode " + type);
        }
        return b.array();
    }
}
