package dev.cotenant.io;

import dev.cotenant.ir.DataType;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes tensors in NumPy's .npy format (version 1.0 to 3.0), the format people
 * exchange tensors in. Little- and big-endian data are read; C order only (Fortran order is
 * refused with a message, since it is rare and silently transposing would be wrong).
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return read(bytes, file.toString());
    }

    public static Tensor read(byte[] bytes, String where) {
        if (bytes.length < 10 || !java.util.Arrays.equals(bytes, 0, 6, MAGIC, 0, 6)) {
            throw new ModelException(where + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new ModelException(where + ": truncated .npy header");
            }
            headerLen = bb.getInt(8);
            start = 12;
        } else {
            throw new ModelException(where + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw new ModelException(where + ": truncated .npy header");
        }
        String header = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw new ModelException(where + ": cannot parse .npy header " + header.strip());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw new ModelException(where + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        DataType type = typeOf(kind, width);
        if (type == null) {
            throw new ModelException(where + ": unsupported .npy dtype '" + d.group(1) + kind + width + "'");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Integer.parseInt(part.strip()));
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        Tensor t = Tensor.allocate(type, shape);
        int dataStart = start + headerLen;
        long need = (long) t.size() * width;
        if (bytes.length - dataStart < need) {
            throw new ModelException(where + ": .npy data is truncated: expected " + need + " bytes, found " + (bytes.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).order(order);
        for (int i = 0; i < t.size(); i++) {
            switch (type) {
                case FLOAT -> t.floats()[i] = data.getFloat();
                case DOUBLE -> t.doubles()[i] = data.getDouble();
                case FLOAT16 -> t.floats()[i] = Float.float16ToFloat(data.getShort());
                case INT8, BOOL -> t.setLong(i, data.get());
                case UINT8 -> t.setLong(i, Byte.toUnsignedLong(data.get()));
                case INT16 -> t.setLong(i, data.getShort());
                case UINT16 -> t.setLong(i, Short.toUnsignedLong(data.getShort()));
                case INT32 -> t.setLong(i, data.getInt());
                case UINT32 -> t.setLong(i, Integer.toUnsignedLong(data.getInt()));
                case INT64, UINT64 -> t.setLong(i, data.getLong());
                default -> throw new AssertionError(type);
            }
        }
        return t;
    }

    private static DataType typeOf(char kind, int width) {
        return switch (kind) {
            case 'f' -> switch (width) {
                case 2 -> DataType.FLOAT16;
                case 4 -> DataType.FLOAT;
                case 8 -> DataType.DOUBLE;
                default -> null;
            };
            case 'i' -> switch (width) {
                case 1 -> DataType.INT8;
                case 2 -> DataType.INT16;
                case 4 -> DataType.INT32;
                case 8 -> DataType.INT64;
                default -> null;
            };
            case 'u' -> switch (width) {
                case 1 -> DataType.UINT8;
                case 2 -> DataType.UINT16;
                case 4 -> DataType.UINT32;
                case 8 -> DataType.UINT64;
                default -> null;
            };
            case 'b' -> width == 1 ? DataType.BOOL : null;
            default -> null;
        };
    }

    private static String descr(DataType t) {
        return switch (t) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case FLOAT16 -> "<f2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT64 -> "<i8";
            case UINT64 -> "<u8";
            default -> throw new ModelException("cannot write " + t.onnxName() + " to .npy");
        };
    }

    public static byte[] toBytes(Tensor t) {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.rank(); i++) {
            shape.append(t.dim(i)).append(t.rank() == 1 ? "," : (i < t.rank() - 1 ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '" + descr(t.dataType()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int width = Math.max(1, t.dataType().byteSize());
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + t.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < t.size(); i++) {
            switch (t.dataType()) {
                case FLOAT -> out.putFloat(t.floats()[t.offset() + i]);
                case DOUBLE -> out.putDouble(t.doubles()[t.offset() + i]);
                case FLOAT16 -> out.putShort(Float.floatToFloat16(t.floats()[t.offset() + i]));
                case INT8, UINT8, BOOL -> out.put((byte) t.getLong(i));
                case INT16, UINT16 -> out.putShort((short) t.getLong(i));
                case INT32, UINT32 -> out.putInt((int) t.getLong(i));
                case INT64, UINT64 -> out.putLong(t.getLong(i));
                default -> throw new AssertionError();
            }
        }
        return out.array();
    }

    public static void write(Tensor t, Path file) throws IOException {
        Files.write(file, toBytes(t));
    }
}
