package dev.cotenant.sched.device;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.hardware.Precision;

/**
 * A simulated GPU: the discrete-event model of the device sheet {@code gpu}, with kernels lowered
 * for {@code precision}. Schedules reach it through {@link ScheduleLowering}.
 *
 * @param spec as given ({@code sim:h200}, {@code sim:/path/my.gpu}), for messages
 */
public record SimulatedGpu(String spec, Gpu gpu, Precision precision) implements Device {

    /** A built-in or file sheet by name ({@code h200}, {@code my.gpu}). */
    public static SimulatedGpu of(String sheet, Precision precision) {
        return new SimulatedGpu("sim:" + sheet, Gpu.load(sheet), precision);
    }

    @Override
    public String describe() {
        return spec + " (" + gpu.name() + ", " + Device.spell(precision) + ")";
    }
}
