package dev.cotenant.sched;

/**
 * The CPU as a device: a pool of {@code cores} cores shared by streams. Every test and every
 * machine has one. {@link CpuExecutor} runs schedules on it.
 */
public record CpuDevice(int cores) {

    public CpuDevice {
        if (cores < 1) {
            throw new IllegalArgumentException("a CPU device needs at least one core, got " + cores);
        }
    }

    /** This machine's cores. */
    public static CpuDevice host() {
        return new CpuDevice(Runtime.getRuntime().availableProcessors());
    }
}
