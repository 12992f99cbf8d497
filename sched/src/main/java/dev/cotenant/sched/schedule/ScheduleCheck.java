package dev.cotenant.sched.schedule;

import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.workload.TenantShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of a schedule against its workload. It replays the streams with unlimited resources,
 * carrying a vector clock per stream (how many instructions of every stream are known finished);
 * a wait joins the recorder's clock at its record. That replay finds deadlocks (streams that can
 * never pass a wait) and gives every task the set of tasks that surely finished before it starts,
 * so the dependency check is exact: a schedule passes only if every run of the executor, however
 * its streams are timed, respects the dependencies.
 *
 * <p>The dependencies are a chain per tenant: its operators in plan order, and the parts of an
 * operator in part order. A plan reuses arena memory between operators whose lifetimes do not
 * overlap, in plan order, and an operator's parts share its scratch buffers, so a tenant's work
 * may not be reordered or overlapped; concurrency comes from running tenants beside each other.
 */
final class ScheduleCheck {

    private ScheduleCheck() {}

    private record Site(int stream, int index, int[] clock) {}

    static void check(Schedule s, List<TenantShape> shapes, int cores) {
        checkTenants(s, shapes);
        if (s.streams().isEmpty()) {
            throw new ModelException("the schedule has no streams");
        }
        // Coverage: each (tenant, op) split one way, each part exactly once.
        Map<Long, Site[]> seen = new HashMap<>();
        Map<String, Integer> recordedOn = new HashMap<>();
        for (int si = 0; si < s.streams().size(); si++) {
            List<Instruction> ins = s.streams().get(si).instructions();
            for (int i = 0; i < ins.size(); i++) {
                switch (ins.get(i)) {
                    case Instruction.Run r -> place(r.task(), si, i, shapes, cores, seen);
                    case Instruction.Record r -> {
                        Integer prev = recordedOn.put(r.event(), si);
                        if (prev != null) {
                            throw new ModelException("event " + r.event() + " is recorded twice (streams " + prev + " and " + si + ")");
                        }
                    }
                    case Instruction.Wait w -> { }
                }
            }
        }
        checkEveryPartRuns(shapes, seen);
        checkWaitsRecorded(s, recordedOn);
        checkDependencies(shapes, seen, replay(s));
    }

    /** The schedule's tenants must be the workload's, in the same order and with the same op counts. */
    private static void checkTenants(Schedule s, List<TenantShape> shapes) {
        if (s.tenants().size() != shapes.size()) {
            throw new ModelException("the schedule is for " + s.tenants().size() + " tenants, the workload has " + shapes.size());
        }
        for (int t = 0; t < shapes.size(); t++) {
            Schedule.Member m = s.tenants().get(t);
            TenantShape sh = shapes.get(t);
            if (!m.name().equals(sh.name()) || m.ops() != sh.ops()) {
                throw new ModelException("schedule tenant " + t + " is " + m.name() + " with " + m.ops() + " ops, but the workload's is "
                        + sh.name() + " with " + sh.ops() + " ops");
            }
        }
    }

    /**
     * Checks task {@code k}, run by instruction {@code i} of stream {@code si}, against its tenant
     * and the device, and records where it runs in {@code seen} (keyed tenant << 32 | op).
     */
    private static void place(Task k, int si, int i, List<TenantShape> shapes, int cores, Map<Long, Site[]> seen) {
        String at = " (stream " + si + " instruction " + i + ")";
        if (k.tenant() >= shapes.size()) {
            throw new ModelException("task " + k.describe() + at + ": there is no tenant " + k.tenant());
        }
        TenantShape sh = shapes.get(k.tenant());
        if (k.op() >= sh.ops()) {
            throw new ModelException("task " + k.describe() + at + ": tenant " + sh.name() + " has only " + sh.ops() + " ops");
        }
        if (k.parts() > sh.maxParts()[k.op()]) {
            throw new ModelException("task " + k.describe() + at + ": the operator can be split into at most "
                    + sh.maxParts()[k.op()] + " parts");
        }
        if (k.threads() > cores) {
            throw new ModelException("task " + k.describe() + at + " asks for " + k.threads() + " threads; the device has " + cores);
        }
        long key = ((long) k.tenant() << 32) | k.op();
        Site[] parts = seen.computeIfAbsent(key, x -> new Site[k.parts()]);
        if (parts.length != k.parts()) {
            throw new ModelException("task " + k.describe() + at + ": the operator is split into " + parts.length
                    + " parts elsewhere in the schedule");
        }
        if (parts[k.part()] != null) {
            throw new ModelException("task " + k.describe() + " runs twice: stream " + parts[k.part()].stream() + " instruction "
                    + parts[k.part()].index() + " and stream " + si + " instruction " + i);
        }
        parts[k.part()] = new Site(si, i, null);
    }

    /** Every part of every operator of every tenant must run. */
    private static void checkEveryPartRuns(List<TenantShape> shapes, Map<Long, Site[]> seen) {
        for (int t = 0; t < shapes.size(); t++) {
            for (int op = 0; op < shapes.get(t).ops(); op++) {
                Site[] parts = seen.get(((long) t << 32) | op);
                if (parts == null) {
                    throw new ModelException("task t" + t + " op" + op + " of " + shapes.get(t).name() + " never runs");
                }
                for (int p = 0; p < parts.length; p++) {
                    if (parts[p] == null) {
                        throw new ModelException("task " + new Task(t, op, p, parts.length, 1).describe() + " of "
                                + shapes.get(t).name() + " never runs");
                    }
                }
            }
        }
    }

    /** Every event waited for must be recorded somewhere. */
    private static void checkWaitsRecorded(Schedule s, Map<String, Integer> recordedOn) {
        for (int si = 0; si < s.streams().size(); si++) {
            for (Instruction in : s.streams().get(si).instructions()) {
                if (in instanceof Instruction.Wait w && !recordedOn.containsKey(w.event())) {
                    throw new ModelException("stream " + si + " waits for event " + w.event() + ", which no stream records");
                }
            }
        }
    }

    /**
     * Dependencies: each task of a tenant must surely follow the one before it in plan order, by
     * its stream's order or by the {@code clocks} at its start (keyed stream << 32 | index).
     */
    private static void checkDependencies(List<TenantShape> shapes, Map<Long, Site[]> seen, Map<Long, int[]> clocks) {
        for (int t = 0; t < shapes.size(); t++) {
            Site prevSite = null;
            Task prevTask = null;
            for (int op = 0; op < shapes.get(t).ops(); op++) {
                Site[] parts = seen.get(((long) t << 32) | op);
                for (int p = 0; p < parts.length; p++) {
                    Site site = parts[p];
                    Task task = new Task(t, op, p, parts.length, 1);
                    if (prevSite != null) {
                        int[] clock = clocks.get(((long) site.stream() << 32) | site.index());
                        boolean ordered = prevSite.stream() == site.stream()
                                ? prevSite.index() < site.index()
                                : clock[prevSite.stream()] > prevSite.index();
                        if (!ordered) {
                            throw new ModelException("task " + task.describe() + " (stream " + site.stream() + " instruction " + site.index()
                                    + ") may start before " + prevTask.describe() + " (stream " + prevSite.stream() + " instruction "
                                    + prevSite.index() + ") ends, and it depends on it: add a wait for an event recorded after it");
                        }
                    }
                    prevSite = site;
                    prevTask = task;
                }
            }
        }
    }

    /**
     * Replays the streams; returns, for each run instruction (keyed stream << 32 | index), the
     * clock at its start. Throws when the streams deadlock.
     */
    private static Map<Long, int[]> replay(Schedule s) {
        int n = s.streams().size();
        int[] pos = new int[n];
        int[][] clock = new int[n][n];
        Map<String, int[]> recorded = new HashMap<>();
        Map<Long, int[]> starts = new HashMap<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int si = 0; si < n; si++) {
                List<Instruction> ins = s.streams().get(si).instructions();
                while (pos[si] < ins.size()) {
                    Instruction in = ins.get(pos[si]);
                    clock[si][si] = pos[si];
                    if (in instanceof Instruction.Wait w) {
                        int[] c = recorded.get(w.event());
                        if (c == null) {
                            break;
                        }
                        for (int x = 0; x < n; x++) {
                            if (x != si) {
                                clock[si][x] = Math.max(clock[si][x], c[x]);
                            }
                        }
                    } else if (in instanceof Instruction.Record r) {
                        recorded.put(r.event(), clock[si].clone());
                    } else {
                        starts.put(((long) si << 32) | pos[si], clock[si].clone());
                    }
                    pos[si]++;
                    progress = true;
                }
            }
        }
        List<String> stuck = new ArrayList<>();
        for (int si = 0; si < n; si++) {
            List<Instruction> ins = s.streams().get(si).instructions();
            if (pos[si] < ins.size()) {
                stuck.add("stream " + si + " at instruction " + pos[si] + " 'wait " + ((Instruction.Wait) ins.get(pos[si])).event() + "'");
            }
        }
        if (!stuck.isEmpty()) {
            throw new ModelException("the schedule can deadlock: " + String.join(", ", stuck)
                    + " never pass, because the events they wait for are recorded only after waits that cannot pass");
        }
        return starts;
    }
}
