package dev.cotenant.gpusim.hardware;

/** The execution units a kernel's arithmetic runs on, which set its peak rate. */
public enum Unit {
    /** CUDA cores, FP32 (also used for elementwise and reduction kernels in any precision). */
    FP32,
    /** Tensor cores on TF32 inputs (FP32 cores on parts without TF32). */
    TF32_TENSOR,
    /** Tensor cores on FP16 inputs, FP32 accumulation. */
    FP16_TENSOR
}
