package dev.cotenant.bench;

/**
 * One row of a side-by-side benchmark: a model at a batch size and thread count, and what each
 * engine measured. {@code onnxruntime} is {@code null} when no peer ran; peak memory is -1 when it
 * was not measured.
 */
public record Row(String model, int batch, int threads, Samples cotenant, Samples onnxruntime,
                  long cotenantPeakBytes, long onnxruntimePeakBytes) {

    /** ONNX Runtime's median over Cotenant's: above 1, Cotenant is faster. */
    public double ratio() {
        return onnxruntime == null ? Double.NaN : onnxruntime.medianMs() / cotenant.medianMs();
    }

    /** Items (images, sequences) per second at the median latency. */
    static double throughput(Samples s, int batch) {
        return batch * 1000.0 / s.medianMs();
    }
}
