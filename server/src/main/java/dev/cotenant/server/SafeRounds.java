package dev.cotenant.server;

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
 * request of another tenant wait for all of it; the exception is a tenant offered more than one
 * core can serve while the device has room ({@link #widens}). The last free core is guarded: a batch that
 * takes it is cut so it cannot hold the core longer than half the tightest SLO among the other
 * active tenants (a non-preemptive dispatcher's only defence against head-of-line blocking).
 */
final class SafeRounds implements RoundPolicy {

    /** Deadline horizon of a tenant without an SLO: old requests still rise to the front. */
    private static final long NO_SLO_NANOS = 1_000_000_000L;

    static final SafeRounds INSTANCE = new SafeRounds();

    @Override
    public List<Dispatch> pick(List<Candidate> ready, int freeCores, int cores, List<Tenant> active, long nowNanos) {
        List<Candidate> order = new ArrayList<>(ready);
        order.sort(Comparator.comparingInt((Candidate c) -> c.tenant().settings.tenantPriority())
                .thenComparingInt(Candidate::level)
                .thenComparingLong(SafeRounds::latestStart));
        List<Dispatch> out = new ArrayList<>();
        if (order.size() == 1 && freeCores == cores && active.size() <= 1) {
            Tenant t = order.getFirst().tenant();
            out.add(new Dispatch(t, Math.min(freeCores, t.maxThreads())));
            return out;
        }
        double deviceLoad = 0;
        for (Tenant t : active) {
            deviceLoad += t.offeredLoad(nowNanos);
        }
        int free = freeCores;
        for (Candidate c : order) {
            if (free == 0) {
                break;
            }
            int cap = Integer.MAX_VALUE;
            if (free == 1) {
                cap = lastCoreCap(c.tenant(), active);
                if (cap == 0) {
                    continue;
                }
            }
            int threads = free > 1 && widens(c.tenant(), deviceLoad, nowNanos) ? Math.min(free, c.tenant().maxThreads()) : 1;
            out.add(new Dispatch(c.tenant(), threads, cap));
            free -= threads;
        }
        return out;
    }

    /**
     * Whether {@code t}'s batches run on every core though other tenants are active: it is
     * {@linkplain Tenant#overloaded offered more than one core serves} while the device as a whole
     * has room ({@code deviceLoad}, all active tenants' offered loads summed, under three quarters
     * of its cores). On
     * one core its queue would only grow, while the cores idle between the others' batches; on
     * every core its threads share them with the others' one-thread batches. (Measured under
     * frames, every arrival to all three models: resnet18 at 0.9 of a core was refused half as
     * often, the others' p99s rose within their SLOs; bench/RESULTS.md.)
     */
    static boolean widens(Tenant t, double deviceLoad, long nowNanos) {
        return t.overloaded(nowNanos) && deviceLoad < ROOM * t.maxThreads();
    }

    /**
     * The share of the cores the offered loads must stay under for {@link #widens}: with the
     * whole device as the bound, twice the capacity ran 9-19% higher p99s (at the step into
     * overload the offered rates lag); at three quarters it measured level with one core each.
     */
    private static final double ROOM = 0.75;

    /**
     * How many samples a batch may hold when it takes the last free core. Dispatch cannot be
     * undone, so a long batch there makes every other active tenant wait for all of it: the batch
     * is cut to at most half the tightest SLO among the others (0: not even one sample fits, leave
     * the core for them). Unlimited when no other active tenant has an SLO or nothing is measured.
     */
    private static int lastCoreCap(Tenant t, List<Tenant> active) {
        double tightest = Double.MAX_VALUE;
        for (Tenant o : active) {
            if (o != t && o.settings.sloMs() > 0) {
                tightest = Math.min(tightest, o.settings.sloMs() * 1e6);
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
        ModelSettings s = c.tenant().settings;
        long slo = s.sloMs() > 0 ? (long) (s.sloMs() * 1e6) : NO_SLO_NANOS;
        int samples = Math.max(1, Math.min(c.waiting(), Math.max(1, s.maxBatchSize())));
        return c.oldestArrivalNanos() + slo - (long) c.tenant().estimateNanos(samples);
    }
}
