package dev.cotenant.server.protocol;

import dev.cotenant.ir.DataType;

/**
 * The protocol's tensor datatype names and how each maps to an engine {@link DataType}. BYTES and
 * BF16 have names in the protocol but no engine type; a request using them is refused by name.
 */
public enum Datatype {
    BOOL(DataType.BOOL),
    UINT8(DataType.UINT8),
    UINT16(DataType.UINT16),
    UINT32(DataType.UINT32),
    UINT64(DataType.UINT64),
    INT8(DataType.INT8),
    INT16(DataType.INT16),
    INT32(DataType.INT32),
    INT64(DataType.INT64),
    FP16(DataType.FLOAT16),
    FP32(DataType.FLOAT),
    FP64(DataType.DOUBLE),
    BYTES(null),
    BF16(null);

    private final DataType engine;

    Datatype(DataType engine) {
        this.engine = engine;
    }

    /** The engine type, or a {@link InferError.Kind#BAD_REQUEST} naming the unsupported datatype. */
    public DataType engine() {
        if (engine == null) {
            throw InferError.badRequest("datatype " + name() + " is not supported by this server");
        }
        return engine;
    }

    int byteSize() {
        return engine().byteSize();
    }

    public static Datatype parse(String name, String where) {
        if (name == null) {
            throw InferError.badRequest(where + ": 'datatype' is missing");
        }
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw InferError.badRequest(where + ": unknown datatype '" + name + "' (expected one of BOOL, UINT8, UINT16, "
                    + "UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64)");
        }
    }

    public static Datatype of(DataType t) {
        for (Datatype d : values()) {
            if (d.engine == t) {
                return d;
            }
        }
        throw new InferError(InferError.Kind.INTERNAL, "engine type " + t.onnxName() + " has no protocol datatype");
    }
}
