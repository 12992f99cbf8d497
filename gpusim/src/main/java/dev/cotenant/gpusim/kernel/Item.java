package dev.cotenant.gpusim.kernel;

/**
 * One entry of a stream: a kernel launch, an event record or a wait on an event. Items of a stream
 * run in order, each after the one before it has completed (CUDA stream semantics).
 */
public sealed interface Item {

    /** Launches {@code kernel}; {@code tag} is free for the caller (tenant, operator, slice). */
    record Launch(Kernel kernel, String tag) implements Item {}

    /** Records event {@code event} once every earlier item of the stream has completed. */
    record Record(int event) implements Item {}

    /** Holds the stream until event {@code event} has been recorded (by any stream). */
    record Wait(int event) implements Item {}

    static Item launch(Kernel k) {
        return new Launch(k, "");
    }
}
