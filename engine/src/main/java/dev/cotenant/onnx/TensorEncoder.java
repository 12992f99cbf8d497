package dev.cotenant.onnx;

import com.google.protobuf.ByteString;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@link Tensor} to {@code TensorProto}, values always in {@code raw_data} (little-endian). */
final class TensorEncoder {

    private TensorEncoder() {}

    static TensorProto encode(String name, Tensor t) {
        DataType type = t.dataType();
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, type.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        int off = t.offset();
        switch (type.storage()) {
            case F32 -> {
                float[] f = t.floats();
                for (int i = 0; i < n; i++) {
                    if (type == DataType.FLOAT16) {
                        b.putShort(Float.floatToFloat16(f[off + i]));
                    } else {
                        b.putFloat(f[off + i]);
                    }
                }
            }
            case F64 -> {
                double[] d = t.doubles();
                for (int i = 0; i < n; i++) {
                    b.putDouble(d[off + i]);
                }
            }
            case I64 -> {
                long[] l = t.longs();
                for (int i = 0; i < n; i++) {
                    long v = l[off + i];
                    switch (type.byteSize()) {
                        case 1 -> b.put((byte) v);
                        case 2 -> b.putShort((short) v);
                        case 4 -> b.putInt((int) v);
                        default -> b.putLong(v);
                    }
                }
            }
            case NONE -> throw new IllegalArgumentException("unsupported data type " + type.onnxName());
        }
        TensorProto.Builder p = TensorProto.newBuilder().setDataType(type.code()).setRawData(ByteString.copyFrom(b.array()));
        if (name != null && !name.isEmpty()) {
            p.setName(name);
        }
        for (int d : t.shape()) {
            p.addDims(d);
        }
        return p.build();
    }
}
