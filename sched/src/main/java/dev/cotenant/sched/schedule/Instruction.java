package dev.cotenant.sched.schedule;

/**
 * What a stream does, in order: run a task, record an event (once everything before it on the
 * stream is done), or wait for an event recorded on another stream. The same three verbs as
 * GPU streams have, so one schedule drives the CPU device and the simulated GPU alike.
 */
public sealed interface Instruction {

    /** Runs a task; the stream moves on when it ends. */
    record Run(Task task) implements Instruction {}

    /** Marks {@code event} done: every earlier instruction of this stream has finished. */
    record Record(String event) implements Instruction {}

    /** Blocks this stream until {@code event} is recorded (in the same round). */
    record Wait(String event) implements Instruction {}
}
