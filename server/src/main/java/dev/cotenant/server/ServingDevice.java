package dev.cotenant.server;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;
import dev.cotenant.ir.ModelException;
import java.util.Locale;

/** Where a server's batches run. */
public sealed interface ServingDevice {

    /** The host's cores, through the engine's plans. */
    record Cpu() implements ServingDevice {
        @Override
        public String describe() {
            return "cpu";
        }
    }

    /**
     * A simulated GPU: rounds of batches are lowered to kernels and timed by the simulator, and
     * requests complete when the simulated device would have finished them (paced on the wall
     * clock).
     *
     * @param spec        as given ({@code sim:h200}, {@code sim:/path/my.gpu})
     * @param gpu         the device sheet
     * @param precision   the arithmetic the kernels are lowered for
     * @param realOutputs outputs computed by the CPU engine on the host (true), or zero tensors of
     *                    the right shape and type, marked {@code simulated_outputs} in the response
     */
    record Sim(String spec, Gpu gpu, Precision precision, boolean realOutputs) implements ServingDevice {
        @Override
        public String describe() {
            return spec + " (" + gpu.name() + ", " + precision.name().toLowerCase(Locale.ROOT) + ", outputs "
                    + (realOutputs ? "computed on the host" : "NOT computed: zero tensors marked simulated_outputs") + ")";
        }
    }

    /** One line for logs and the dashboard. */
    String describe();

    /**
     * Parses {@code --device} with {@code --precision} and {@code --sim-outputs}: {@code cpu}, or
     * {@code sim:GPU} where GPU is a built-in sheet name (h200, a100, ...) or a sheet file.
     * Precision and outputs are refused on the CPU rather than silently ignored.
     */
    static ServingDevice parse(String device, String precision, String simOutputs) {
        String d = device == null ? "" : device.strip();
        if (d.equals("cpu")) {
            if (precision != null || simOutputs != null) {
                throw new ModelException("--device cpu: --precision and --sim-outputs apply only to --device sim:GPU");
            }
            return new Cpu();
        }
        if (!d.startsWith("sim:") || d.length() == 4) {
            throw new ModelException("--device '" + device + "': expected cpu or sim:GPU, where GPU is a built-in sheet ("
                    + String.join(", ", dev.cotenant.gpusim.hardware.GpuSheet.BUILT_IN) + ") or a .gpu sheet file");
        }
        Gpu gpu;
        try {
            gpu = Gpu.load(d.substring(4));
        } catch (ModelException e) {
            throw new ModelException("--device '" + device + "': " + e.getMessage());
        }
        Precision p;
        try {
            p = precision == null ? Precision.FP16 : Precision.parse(precision);
        } catch (ModelException e) {
            throw new ModelException("--precision: " + e.getMessage());
        }
        boolean real = switch (simOutputs == null ? "real" : simOutputs.strip().toLowerCase(Locale.ROOT)) {
            case "real" -> true;
            case "none" -> false;
            default -> throw new ModelException("--sim-outputs '" + simOutputs + "': expected real (computed on the host, the default) or none");
        };
        return new Sim(d, gpu, p, real);
    }
}
