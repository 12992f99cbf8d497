package dev.cotenant.sched.schedule;

import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.List;

/**
 * The unified scheduling IR: for one workload, the streams, the ordered tasks on each, the
 * cross-stream waits (events), the split factor of every operator (in its tasks' parts) and stream
 * priorities. Every policy produces one, and one executor runs them all, so policies are compared
 * on equal terms.
 *
 * <p>Its text form ({@link #text()}, {@link #parse}) prints and parses back unchanged, for golden
 * tests, hand editing and replay ({@code corun --schedule FILE}). {@link #validate} checks it
 * against the workload: every task exactly once, each tenant's operators in order, no deadlock.
 */
public record Schedule(List<Member> tenants, List<Stream> streams) {

    /** A tenant as the schedule names it, with its operator count. */
    public record Member(String name, int ops) {}

    public Schedule {
        tenants = List.copyOf(tenants);
        streams = List.copyOf(streams);
    }

    /** All tasks, stream by stream in order. */
    public List<Task> tasks() {
        List<Task> all = new ArrayList<>();
        for (Stream s : streams) {
            for (Instruction i : s.instructions()) {
                if (i instanceof Instruction.Run r) {
                    all.add(r.task());
                }
            }
        }
        return all;
    }

    /** The text form; {@link #parse} reads it back to an equal schedule. */
    public String text() {
        return ScheduleText.print(this);
    }

    /** Reads the text form; a malformed line is named by number in the error. */
    public static Schedule parse(String text) {
        return ScheduleText.parse(text);
    }

    /**
     * Checks the schedule against the tenants it is for and the device's {@code cores}; throws
     * {@link dev.cotenant.ir.ModelException} naming the first problem found.
     */
    public void validate(List<TenantShape> shapes, int cores) {
        ScheduleCheck.check(this, shapes, cores);
    }
}
