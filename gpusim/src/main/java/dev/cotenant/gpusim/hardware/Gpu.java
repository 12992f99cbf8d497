package dev.cotenant.gpusim.hardware;

/**
 * One GPU as the simulator sees it: the public figures of a device sheet (see {@link GpuSheet} for
 * the file form and {@code gpus/*.gpu} for the built-in ones). Rates are whole-device peaks; the
 * simulator divides them by the SM count, so {@link #withSms} and {@link #withClock} scale them.
 *
 * @param name short name ("A100")
 * @param computeCapability major.minor, as text ("8.0")
 * @param sms streaming multiprocessors
 * @param clockMhz boost clock
 * @param fp32Tflops peak FP32 (CUDA cores)
 * @param fp16TensorTflops peak dense FP16 on tensor cores
 * @param tf32TensorTflops peak dense TF32 on tensor cores; 0 where the part has none
 * @param dramGbps DRAM bandwidth, GB/s
 * @param l2Mb L2 cache, MB
 * @param sharedMemoryPerSmKb shared memory an SM can give its blocks, KB
 * @param threadsPerSm resident threads per SM
 * @param blocksPerSm resident blocks per SM
 * @param registersPerSm 32-bit registers per SM
 * @param registersPerThreadMax most registers one thread may use
 * @param threadsPerBlockMax most threads in one block
 * @param registerAllocationUnit registers are given to a warp in multiples of this
 * @param residentKernelsMax most kernels resident on the device at once
 * @param launchUs host time to enqueue one kernel
 * @param kernelGapUs device time between two dependent kernels of one stream
 * @param eventRecordUs host time to record an event
 * @param streamWaitUs host time to make a stream wait on an event
 * @param contextSwitchUs time to switch between processes' contexts (time slicing)
 * @param timesliceUs how long one context may keep the device while others wait
 * @param warpsToSaturate resident warps at which an SM reaches its full rate
 * @param smBandwidthSharesMax the most DRAM bandwidth one SM draws, in multiples of bandwidth / SMs
 * @param dramEfficiency the fraction of peak DRAM bandwidth streaming kernels reach
 * @param blockLatencyUs fixed time every block pays besides its work
 * @param migSlices MIG compute slices (0: no MIG)
 * @param migSmsPerSlice SMs of one MIG compute slice
 * @param interference how co-running kernels slow each other through L2 and DRAM; applied only
 *     when a simulation asks for it ({@code Sharing#interference})
 */
public record Gpu(String name, String computeCapability, int sms, double clockMhz, double fp32Tflops,
                  double fp16TensorTflops, double tf32TensorTflops, double dramGbps, double l2Mb,
                  int sharedMemoryPerSmKb, int threadsPerSm, int blocksPerSm, int registersPerSm,
                  int registersPerThreadMax, int threadsPerBlockMax, int registerAllocationUnit,
                  int residentKernelsMax, double launchUs, double kernelGapUs, double eventRecordUs,
                  double streamWaitUs, double contextSwitchUs, double timesliceUs, int warpsToSaturate,
                  double smBandwidthSharesMax, double dramEfficiency, double blockLatencyUs, int migSlices,
                  int migSmsPerSlice, Interference interference) {

    /** Peak FLOP/s of one SM on {@code unit}, in FLOPs per microsecond. */
    public double smFlopsPerUs(Unit unit) {
        double tflops = switch (unit) {
            case FP32 -> fp32Tflops;
            case TF32_TENSOR -> tf32TensorTflops > 0 ? tf32TensorTflops : fp32Tflops;
            case FP16_TENSOR -> fp16TensorTflops;
        };
        return tflops * 1e6 / sms;
    }

    /** Achievable DRAM bandwidth of the whole device, in bytes per microsecond. */
    public double dramBytesPerUs() {
        return dramGbps * 1e3 * dramEfficiency;
    }

    /** The same part with {@code n} SMs: peak rates scale with the SM count, bandwidth does not. */
    public Gpu withSms(int n) {
        double f = (double) n / sms;
        // The most one SM can draw is a property of the SM: keep it in bytes, not in shares.
        return new Gpu(name, computeCapability, n, clockMhz, fp32Tflops * f, fp16TensorTflops * f, tf32TensorTflops * f,
                dramGbps, l2Mb, sharedMemoryPerSmKb, threadsPerSm, blocksPerSm, registersPerSm, registersPerThreadMax,
                threadsPerBlockMax, registerAllocationUnit, residentKernelsMax, launchUs, kernelGapUs, eventRecordUs,
                streamWaitUs, contextSwitchUs, timesliceUs, warpsToSaturate, smBandwidthSharesMax * f, dramEfficiency,
                blockLatencyUs, migSlices, migSmsPerSlice, interference);
    }

    /** The same part at another clock: peak rates scale with it. */
    public Gpu withClock(double mhz) {
        double f = mhz / clockMhz;
        return new Gpu(name, computeCapability, sms, mhz, fp32Tflops * f, fp16TensorTflops * f, tf32TensorTflops * f,
                dramGbps, l2Mb, sharedMemoryPerSmKb, threadsPerSm, blocksPerSm, registersPerSm, registersPerThreadMax,
                threadsPerBlockMax, registerAllocationUnit, residentKernelsMax, launchUs, kernelGapUs, eventRecordUs,
                streamWaitUs, contextSwitchUs, timesliceUs, warpsToSaturate, smBandwidthSharesMax, dramEfficiency,
                blockLatencyUs, migSlices, migSmsPerSlice, interference);
    }

    /** The same part with another DRAM bandwidth. */
    public Gpu withDramGbps(double gbps) {
        return new Gpu(name, computeCapability, sms, clockMhz, fp32Tflops, fp16TensorTflops, tf32TensorTflops,
                gbps, l2Mb, sharedMemoryPerSmKb, threadsPerSm, blocksPerSm, registersPerSm, registersPerThreadMax,
                threadsPerBlockMax, registerAllocationUnit, residentKernelsMax, launchUs, kernelGapUs, eventRecordUs,
                streamWaitUs, contextSwitchUs, timesliceUs, warpsToSaturate, smBandwidthSharesMax, dramEfficiency,
                blockLatencyUs, migSlices, migSmsPerSlice, interference);
    }

    /** Built-in sheet by name (v100, a100, h100, h200, l4, t4, any case) or a sheet file's path. */
    public static Gpu load(String nameOrPath) {
        return GpuSheet.load(nameOrPath);
    }
}
