package dev.cotenant.gpusim.kernel;

/**
 * One entry of a stream: a kernel launch, an event record, a wait on an event, or host work. Items
 * of a stream run in order, each after the one before it has completed (CUDA stream semantics).
 */
public sealed interface Item {

    /** Launches {@code kernel}; {@code tag} is free for the caller (tenant, operator, slice). */
    record Launch(Kernel kernel, String tag) implements Item {}

    /** Records event {@code event} once every earlier item of the stream has completed. */
    record Record(int event) implements Item {}

    /** Holds the stream until event {@code event} has been recorded (by any stream). */
    record Wait(int event) implements Item {}

    /**
     * Host work of {@code us} on the stream's host thread that the device never sees: launching a
     * CUDA graph, or serving a request. With {@code afterSync} the host first waits until every
     * earlier item of the stream has completed (a stream synchronisation, as a serving loop does
     * between requests), so the device idles for this stream meanwhile; without it the host only
     * spends the time before enqueueing what follows. With {@code driverCall} the work includes one
     * call into the driver, which costs the device sheet's {@code launch_us} on top of {@code us}
     * (a graph launch is one such call).
     */
    record Host(double us, boolean afterSync, boolean driverCall, String tag) implements Item {
        public Host {
            if (!(us >= 0) || Double.isInfinite(us)) {
                throw new dev.cotenant.ir.ModelException("host item '" + tag + "': host time must be zero or more, got " + us);
            }
        }
    }

    static Item launch(Kernel k) {
        return new Launch(k, "");
    }
}
