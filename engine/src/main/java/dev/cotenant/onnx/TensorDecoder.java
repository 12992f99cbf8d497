package dev.cotenant.onnx;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Shape;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.proto.OnnxProto.SparseTensorProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code TensorProto} to {@link Tensor}.
 *
 * <p>ONNX stores values in one of three places: {@code raw_data} (little-endian, densely packed),
 * a file named by {@code external_data}, or a typed repeated field. The typed fields are shared
 * between types in ways that are easy to get wrong: {@code int32_data} carries every integer type
 * of 32 bits or fewer, BOOL, and the bit patterns of FLOAT16; {@code uint64_data} carries UINT32
 * and UINT64; {@code int64_data} only INT64. Each case below follows that table.
 */
final class TensorDecoder {

    private TensorDecoder() {}

    /** The tensor, named {@code what} in messages; external data is read relative to {@code baseDir}. */
    static Tensor decode(TensorProto t, Path baseDir, String what) {
        DataType type = dataType(t.getDataType(), what);
        int[] dims = dims(t.getDimsList(), what);
        int n = size(dims, what);
        if (t.hasSegment()) {
            throw new ModelException(what + " is stored in segments, which are not supported");
        }
        Tensor out = Tensor.allocate(type, dims);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            byte[] bytes = ExternalData.read(t, baseDir, (long) n * type.byteSize(), what);
            fromRaw(ByteBuffer.wrap(bytes), out, what);
        } else if (t.hasRawData()) {
            // A read-only window onto the parsed bytes: no copy of the weights on the way in.
            fromRaw(t.getRawData().asReadOnlyByteBuffer(), out, what);
        } else {
            fromTyped(t, out, n, what);
        }
        return out;
    }

    /** The ONNX type numbered {@code code}, failing for unknown numbers and unsupported types. */
    static DataType dataType(int code, String what) {
        DataType type = DataType.ofCode(code);
        if (type == null || type == DataType.UNDEFINED) {
            throw new ModelException(what + " has unknown data type " + code);
        }
        if (!type.supported()) {
            throw new ModelException(what + " has unsupported data type " + type.onnxName());
        }
        return type;
    }

    static int[] dims(List<Long> list, String what) {
        int[] dims = new int[list.size()];
        for (int i = 0; i < dims.length; i++) {
            long d = list.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelException(what + " has invalid dimension " + d + " in " + list);
            }
            dims[i] = (int) d;
        }
        return dims;
    }

    private static int size(int[] dims, String what) {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new ModelException(what + " has too many elements for one tensor: " + java.util.Arrays.toString(dims));
            }
        }
        return (int) n;
    }

    private static void fromRaw(ByteBuffer raw, Tensor out, String what) {
        DataType type = out.dataType();
        int n = out.size();
        long expected = (long) n * type.byteSize();
        if (raw.remaining() != expected) {
            throw new ModelException(what + " holds " + raw.remaining() + " bytes of data, expected " + expected
                    + " for " + type.onnxName() + Shape.of(out.shape()));
        }
        ByteBuffer b = raw.order(ByteOrder.LITTLE_ENDIAN);
        switch (type.storage()) {
            case F32 -> {
                float[] f = out.floats();
                if (type == DataType.FLOAT) {
                    b.asFloatBuffer().get(f, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        f[i] = Float.float16ToFloat(b.getShort());
                    }
                }
            }
            case F64 -> b.asDoubleBuffer().get(out.doubles(), 0, n);
            case I64 -> {
                long[] l = out.longs();
                for (int i = 0; i < n; i++) {
                    long v = switch (type.byteSize()) {
                        case 1 -> b.get();
                        case 2 -> b.getShort();
                        case 4 -> b.getInt();
                        default -> b.getLong();
                    };
                    l[i] = type.wrap(v);
                }
            }
            case NONE -> throw new AssertionError(type);
        }
    }

    private static void fromTyped(TensorProto t, Tensor out, int n, String what) {
        DataType type = out.dataType();
        int count = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
        if (count != n) {
            String field = switch (type) {
                case FLOAT -> "float_data";
                case DOUBLE -> "double_data";
                case INT64 -> "int64_data";
                case UINT32, UINT64 -> "uint64_data";
                default -> "int32_data";
            };
            throw new ModelException(what + " has " + count + " values in " + field + ", expected " + n
                    + " for " + type.onnxName() + Shape.of(out.shape()));
        }
        switch (type) {
            case FLOAT -> {
                float[] f = out.floats();
                for (int i = 0; i < n; i++) {
                    f[i] = t.getFloatData(i);
                }
            }
            case FLOAT16 -> {
                float[] f = out.floats();
                for (int i = 0; i < n; i++) {
                    f[i] = Float.float16ToFloat((short) t.getInt32Data(i));
                }
            }
            case DOUBLE -> {
                double[] d = out.doubles();
                for (int i = 0; i < n; i++) {
                    d[i] = t.getDoubleData(i);
                }
            }
            case INT64 -> {
                long[] l = out.longs();
                for (int i = 0; i < n; i++) {
                    l[i] = t.getInt64Data(i);
                }
            }
            case UINT32, UINT64 -> {
                long[] l = out.longs();
                for (int i = 0; i < n; i++) {
                    l[i] = type.wrap(t.getUint64Data(i));
                }
            }
            default -> {
                long[] l = out.longs();
                for (int i = 0; i < n; i++) {
                    l[i] = type.wrap(t.getInt32Data(i));
                }
            }
        }
    }

    /**
     * A sparse tensor made dense. Indices are either {@code [nnz]} linear positions or
     * {@code [nnz, rank]} coordinates, as the ONNX specification allows.
     */
    static Tensor densify(SparseTensorProto s, Path baseDir, String what) {
        int[] dims = dims(s.getDimsList(), what);
        Tensor values = decode(s.getValues(), baseDir, what + " (values)");
        Tensor indices = decode(s.getIndices(), baseDir, what + " (indices)");
        int nnz = values.size();
        Tensor out = Tensor.allocate(values.dataType(), dims);
        int total = out.size();
        boolean linear = indices.rank() == 1;
        if (values.rank() != 1 || !(linear ? indices.dim(0) == nnz : indices.rank() == 2 && indices.dim(0) == nnz && indices.dim(1) == dims.length)) {
            throw new ModelException(what + ": sparse values " + values.type() + " and indices " + indices.type()
                    + " do not fit dense shape " + Shape.of(dims));
        }
        for (int k = 0; k < nnz; k++) {
            long pos;
            if (linear) {
                pos = indices.getLong(k);
            } else {
                pos = 0;
                for (int a = 0; a < dims.length; a++) {
                    long c = indices.getLong(k * dims.length + a);
                    if (c < 0 || c >= dims[a]) {
                        throw new ModelException(what + ": sparse index " + c + " out of range for axis " + a + " of " + Shape.of(dims));
                    }
                    pos = pos * dims[a] + c;
                }
            }
            if (pos < 0 || pos >= total) {
                throw new ModelException(what + ": sparse index " + pos + " out of range for " + Shape.of(dims));
            }
            switch (values.dataType().storage()) {
                case F32 -> out.floats()[(int) pos] = values.floats()[k];
                case F64 -> out.doubles()[(int) pos] = values.doubles()[k];
                case I64 -> out.longs()[(int) pos] = values.longs()[k];
                case NONE -> throw new AssertionError();
            }
        }
        return out;
    }
}
