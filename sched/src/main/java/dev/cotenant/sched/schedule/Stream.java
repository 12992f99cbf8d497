package dev.cotenant.sched.schedule;

import java.util.List;

/**
 * An ordered list of instructions run one after another; streams run concurrently. When tasks of
 * several streams compete for the device, the stream with the higher {@code priority} goes first.
 */
public record Stream(int priority, List<Instruction> instructions) {

    public Stream {
        instructions = List.copyOf(instructions);
    }
}
