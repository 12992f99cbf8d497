package dev.cotenant.sched.device;

/**
 * The CPU as a device: a pool of {@code cores} cores shared by streams. Every test and every
 * machine has one. {@link CpuExecutor} runs schedules on it.
 */
public record CpuDevice(int cores) implements Device {

    public CpuDevice {
        if (cores < 1) {
            throw new IllegalArgumentException("a CPU device needs at least one core, got " + cores);
        }
    }

    @Override
    public String describe() {
        return "cpu (" + cores + (cores == 1 ? " core)" : " cores)");
    }

    /** This machine's cores. */
    public static CpuDevice host() {
        return new CpuDevice(Runtime.getRuntime().availableProcessors());
    }
}
