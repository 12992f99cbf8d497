package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.Timeline;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.Collections;
import java.util.List;

/**
 * A runtime other than Cotenant, run on the same tenants beside the policies so that every
 * comparison says what a user would get without a scheduler. The scheduler does not depend on any
 * such runtime: the benchmarks module supplies ONNX Runtime, and a comparison without a peer simply
 * has no peer rows.
 */
public interface Peer {

    /** The name in reports; its best setup is reported as NAME-tuned. */
    String name();

    /** Sessions for {@code plans}, set up as {@code setup} says. */
    Session open(List<TenantPlan> plans, Setup setup);

    /**
     * How the peer's sessions share the cores: tenant i's session gets {@code threads[i]}
     * intra-operator threads (0: the runtime's own default, one per core), and the sessions run
     * all at once, each in its own thread, or one after another from a single thread.
     */
    record Setup(List<Integer> threads, boolean oneAfterAnother) {

        public Setup {
            threads = List.copyOf(threads);
        }

        /** What a user gets without tuning anything: every session at once with the default threads. */
        public static Setup defaults(int tenants) {
            return new Setup(Collections.nCopies(tenants, 0), false);
        }

        /** Tenant {@code t}'s threads on a device of {@code cores}. */
        public int threadsOf(int t, int cores) {
            return threads.get(t) == 0 ? cores : threads.get(t);
        }

        /** For notes: "concurrently on 2,1,1 threads" or "one after another on 2 threads each". */
        public String describe() {
            if (oneAfterAnother && threads.stream().distinct().count() == 1) {
                return "one after another on " + threads.getFirst() + " thread" + (threads.getFirst() == 1 ? "" : "s") + " each";
            }
            return (oneAfterAnother ? "one after another" : "concurrently") + " on "
                    + String.join(",", threads.stream().map(t -> t == 0 ? "default" : t.toString()).toList()) + " threads";
        }
    }

    /** Open sessions of the peer, one per tenant. */
    interface Session extends AutoCloseable {

        /** One round: every tenant's inference once, as the setup says, on a device of {@code cores}. */
        Timeline round(int cores);

        @Override
        void close();
    }
}
