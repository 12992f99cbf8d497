package dev.cotenant.sched.device;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.GpuSheet;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.ir.ModelException;
import java.util.Locale;

/**
 * Where a schedule runs (../shared/DESIGN.md, "Device"): the CPU, whose resource is its core pool
 * and which every machine has, or a simulated GPU built from a device sheet. A real CUDA device will
 * be the third. Each device is a value; what runs on it is chosen by an exhaustive switch over this
 * type ({@link CpuExecutor} on the CPU, {@link ScheduleLowering} and the simulator on the GPU), so a
 * new device is a compile error everywhere it must be handled.
 */
public sealed interface Device permits CpuDevice, SimulatedGpu {

    /** One line for logs, reports and the dashboard. */
    String describe();

    /**
     * Parses a device name, once, at the edge: {@code cpu} (this machine's cores), or
     * {@code sim:GPU} where GPU is a built-in sheet (h200, a100, ...) or a sheet file, with the
     * arithmetic {@code precision} (null: FP16) its kernels are lowered for.
     */
    static Device parse(String name, String precision) {
        String d = name == null ? "" : name.strip();
        if (d.equals("cpu")) {
            if (precision != null) {
                throw new ModelException("--device cpu: --precision applies only to --device sim:GPU");
            }
            return CpuDevice.host();
        }
        if (!d.startsWith("sim:") || d.length() == 4) {
            throw new ModelException("--device '" + name + "': expected cpu or sim:GPU, where GPU is a built-in sheet ("
                    + String.join(", ", GpuSheet.BUILT_IN) + ") or a .gpu sheet file");
        }
        Gpu gpu;
        try {
            gpu = Gpu.load(d.substring(4));
        } catch (ModelException e) {
            throw new ModelException("--device '" + name + "': " + e.getMessage());
        }
        Precision p;
        try {
            p = precision == null ? Precision.FP16 : Precision.parse(precision);
        } catch (ModelException e) {
            throw new ModelException("--precision: " + e.getMessage());
        }
        return new SimulatedGpu(d, gpu, p);
    }

    /** The precision's name as the command line spells it. */
    static String spell(Precision p) {
        return p.name().toLowerCase(Locale.ROOT);
    }
}
