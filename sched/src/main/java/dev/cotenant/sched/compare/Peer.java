package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.List;

/**
 * A runtime other than Cotenant, run on the same tenants beside the policies so that every
 * comparison says what a user would get without a scheduler. The scheduler does not depend on any
 * such runtime: the benchmarks module supplies ONNX Runtime, and a comparison without a peer simply
 * has no peer rows.
 */
public interface Peer {

    /** The name in reports; its tuned variant is reported as NAME-tuned. */
    String name();

    /** Sessions for {@code plans}, each with {@code intraOpThreads} threads (0: the runtime's own default). */
    Session open(List<TenantPlan> plans, int intraOpThreads);

    /** Open sessions of the peer, one per tenant. */
    interface Session extends AutoCloseable {

        /** One round: every tenant's inference at once, each on {@code threads} threads, over {@code cores} cores. */
        Timeline round(int threads, int cores);

        @Override
        void close();
    }
}
