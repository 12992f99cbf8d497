package dev.cotenant.gpusim.hardware;

import dev.cotenant.ir.ModelException;
import java.util.Locale;

/** The arithmetic a tenant runs in on the simulated GPU. */
public enum Precision {
    /** FP32 data, FP32 CUDA cores for matrix products. */
    FP32(4, Unit.FP32),
    /** FP32 data, matrix products on tensor cores in TF32. */
    TF32(4, Unit.TF32_TENSOR),
    /** FP16 data, matrix products on tensor cores. */
    FP16(2, Unit.FP16_TENSOR);

    public final int bytes;
    public final Unit matrixUnit;

    Precision(int bytes, Unit matrixUnit) {
        this.bytes = bytes;
        this.matrixUnit = matrixUnit;
    }

    /** Bytes of one element. */
    public int elementBytes() {
        return bytes;
    }

    public static Precision parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelException("unknown precision '" + s + "' (known: fp32, tf32, fp16)");
        }
    }
}
