package dev.cotenant.ir;

/**
 * Element types, numbered as ONNX numbers them ({@code TensorProto.DataType}).
 *
 * <p>Every supported type lives in one of three storage kinds (see {@link Storage}): FP32 and the
 * 16-bit floats are held as {@code float[]} (16-bit values always rounded to what the type can
 * hold), FP64 as {@code double[]}, and every integer type and BOOL as {@code long[]} (wrapped to the
 * type's width; UINT64 keeps its bit pattern). Kernels therefore handle three array kinds, not
 * fourteen, and FP32 stays the fast path.
 */
public enum DataType {
    UNDEFINED(0, 0, Storage.NONE),
    FLOAT(1, 4, Storage.F32),
    UINT8(2, 1, Storage.I64),
    INT8(3, 1, Storage.I64),
    UINT16(4, 2, Storage.I64),
    INT16(5, 2, Storage.I64),
    INT32(6, 4, Storage.I64),
    INT64(7, 8, Storage.I64),
    STRING(8, 0, Storage.NONE),
    BOOL(9, 1, Storage.I64),
    FLOAT16(10, 2, Storage.F32),
    DOUBLE(11, 8, Storage.F64),
    UINT32(12, 4, Storage.I64),
    UINT64(13, 8, Storage.I64),
    COMPLEX64(14, 8, Storage.NONE),
    COMPLEX128(15, 16, Storage.NONE),
    BFLOAT16(16, 2, Storage.NONE),
    FLOAT8E4M3FN(17, 1, Storage.NONE),
    FLOAT8E4M3FNUZ(18, 1, Storage.NONE),
    FLOAT8E5M2(19, 1, Storage.NONE),
    FLOAT8E5M2FNUZ(20, 1, Storage.NONE),
    UINT4(21, 0, Storage.NONE),
    INT4(22, 0, Storage.NONE),
    FLOAT4E2M1(23, 0, Storage.NONE),
    FLOAT8E8M0(24, 1, Storage.NONE),
    UINT2(25, 0, Storage.NONE),
    INT2(26, 0, Storage.NONE);

    /** How values of a type are held in memory. */
    public enum Storage { F32, F64, I64, NONE }

    private static final DataType[] BY_CODE = new DataType[32];

    static {
        for (DataType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int byteSize;
    private final Storage storage;

    DataType(int code, int byteSize, Storage storage) {
        this.code = code;
        this.byteSize = byteSize;
        this.storage = storage;
    }

    /** The ONNX number of this type. */
    public int code() {
        return code;
    }

    /** Bytes per element in the ONNX wire format (0 for sub-byte and variable-size types). */
    public int byteSize() {
        return byteSize;
    }

    public Storage storage() {
        return storage;
    }

    /** Whether the engine can hold and compute on values of this type. */
    public boolean supported() {
        return storage != Storage.NONE;
    }

    public boolean isFloat() {
        return storage == Storage.F32 || storage == Storage.F64;
    }

    public boolean isInteger() {
        return storage == Storage.I64 && this != BOOL;
    }

    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** The ONNX name, as in error messages and ONNX documentation (e.g. {@code float16}). */
    public String onnxName() {
        return switch (this) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The type with the given ONNX number, or {@code null} when the number is not one. */
    public static DataType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** Wraps a 64-bit integer to this integer type's width and signedness (bit pattern for UINT64). */
    public long wrap(long v) {
        return switch (this) {
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xFFL;
            case INT16 -> (short) v;
            case UINT16 -> v & 0xFFFFL;
            case INT32 -> (int) v;
            case UINT32 -> v & 0xFFFF_FFFFL;
            case BOOL -> v != 0 ? 1 : 0;
            default -> v;
        };
    }

    /** Rounds a float to the nearest value this floating type can hold. */
    public float round(float v) {
        return this == FLOAT16 ? Float.float16ToFloat(Float.floatToFloat16(v)) : v;
    }
}
