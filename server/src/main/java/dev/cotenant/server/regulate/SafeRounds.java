package dev.cotenant.server.regulate;

import dev.cotenant.server.serving.ModelSettings;
import dev.cotenant.server.serving.ServedModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The regulator's default round: no more batch threads at once than the concurrency limit, most
 * urgent first.
 *
 * <p>Urgency is, in order: the tenant's configured priority (Triton's model priority), the most
 * urgent request priority level waiting, then the least slack against the tenant's SLO (the oldest
 * request's arrival plus the SLO, minus the expected compute time of a batch), which is earliest-
 * deadline-first across tenants and turns into plain oldest-first among tenants without an SLO.
 * Because every ready tenant's oldest request ages, every tenant gets its turn: rounds rotate.
 *
 * <p>Threads: a batch of the only active tenant gets every core (intra-operator parallelism);
 * while several tenants are active each batch gets one core, since on a CPU two models side by
 * side on one core each waste less than one model on two cores (no synchronisation, no idle
 * threads in the serial parts of the graph), and a batch holding every core would make a short
 * request of another tenant wait for all of it. The last free core is guarded: a batch that
 * takes it is cut so it cannot hold the core longer than half the tightest SLO among the other
 * active tenants (a non-preemptive dispatcher's only defence against head-of-line blocking). The
 * guard needs another core: a batch it holds back runs once every core is free at once, which on a
 * one-core device is every time, so there the core would be guarded for ever. Placement serves
 * one-core devices, and with the guard a 135 ms ResNet-50 request beside a 250 ms-SLO tenant
 * asking 40 times a second was never dispatched (bench/RESULTS.md, "Placement"); on one core
 * every batch takes the only core, most urgent first.
 */
final class SafeRounds implements RoundPolicy {

    /** Deadline horizon of a tenant without an SLO: old requests still rise to the front. */
    private static final long NO_SLO_NANOS = 1_000_000_000L;

    static final SafeRounds INSTANCE = new SafeRounds();

    @Override
    public List<Dispatch> pick(List<Candidate> ready, int freeCores, int cores, List<ServedModel> active, long nowNanos) {
        List<Candidate> order = new ArrayList<>(ready);
        order.sort(Comparator.comparingInt((Candidate c) -> c.model().settings().tenantPriority())
                .thenComparingInt(Candidate::level)
                .thenComparingLong(SafeRounds::latestStart));
        List<Dispatch> out = new ArrayList<>();
        if (order.size() == 1 && freeCores == cores && active.size() <= 1) {
            ServedModel t = order.getFirst().model();
            out.add(new Dispatch(t, Math.min(freeCores, t.maxThreads())));
            return out;
        }
        int free = freeCores;
        for (Candidate c : order) {
            if (free == 0) {
                break;
            }
            int cap = Integer.MAX_VALUE;
            if (free == 1 && cores > 1) {
                cap = lastCoreCap(c.model(), active);
                if (cap == 0) {
                    continue;
                }
            }
            out.add(new Dispatch(c.model(), 1, cap));
            free--;
        }
        return out;
    }

    /**
     * How many samples a batch may hold when it takes the last free core. Dispatch cannot be
     * undone, so a long batch there makes every other active tenant wait for all of it: the batch
     * is cut to at most half the tightest SLO among the others (0: not even one sample fits, leave
     * the core for them). Unlimited when no other active tenant has an SLO or nothing is measured.
     */
    private static int lastCoreCap(ServedModel t, List<ServedModel> active) {
        double tightest = Double.MAX_VALUE;
        for (ServedModel o : active) {
            if (o != t && o.settings().sloMs() > 0) {
                tightest = Math.min(tightest, o.settings().sloMs() * 1e6);
            }
        }
        double perSample = t.estimateNanos(1);
        if (tightest == Double.MAX_VALUE || perSample <= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.floor(tightest / 2 / perSample));
    }

    /** The latest moment the oldest request's batch can start and still meet its SLO. */
    private static long latestStart(Candidate c) {
        ModelSettings s = c.model().settings();
        long slo = s.sloMs() > 0 ? (long) (s.sloMs() * 1e6) : NO_SLO_NANOS;
        int samples = Math.max(1, Math.min(c.waiting(), Math.max(1, s.maxBatchSize())));
        return c.oldestArrivalNanos() + slo - (long) c.model().estimateNanos(samples);
    }
}
