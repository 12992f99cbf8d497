package dev.cotenant.sched.schedule;

/**
 * One unit of work in a schedule: part {@code part} of {@code parts} of operator {@code op} (a
 * plan step) of tenant {@code tenant}, run on {@code threads} threads of the device. An operator
 * that is not split is part 0 of 1.
 */
public record Task(int tenant, int op, int part, int parts, int threads) {

    public Task {
        if (tenant < 0 || op < 0 || parts < 1 || part < 0 || part >= parts || threads < 1) {
            throw new IllegalArgumentException("bad task " + tenant + ":" + op + " part " + part + "/" + parts + " threads " + threads);
        }
    }

    /** A whole operator. */
    public static Task whole(int tenant, int op, int threads) {
        return new Task(tenant, op, 0, 1, threads);
    }

    /** {@code t0 op12 part 1/2}, for messages. */
    public String describe() {
        return "t" + tenant + " op" + op + (parts > 1 ? " part " + part + "/" + parts : "");
    }

    /** Order of the tenant's work: by operator, then part. */
    public boolean before(Task o) {
        return op != o.op ? op < o.op : part < o.part;
    }
}
