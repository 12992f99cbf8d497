package dev.cotenant.server.regulate;

import dev.cotenant.server.serving.ServedModel;
import java.util.List;

/**
 * The regulator's decision for one round: given the tenants with a batch ready and the cores free,
 * which of them run now, and on how many threads each. The regulator looks a policy up by the
 * current {@link Mix}, so a schedule searched offline for a mix (the co-location scheduler's
 * output) can stand in for the safe default, {@link SafeRounds}, mix by mix.
 */
interface RoundPolicy {

    /** A tenant whose queue has a batch ready now. */
    record Candidate(ServedModel model, long oldestArrivalNanos, int level, int waiting) {}

    /** Run a batch of at most {@code maxSamples} of {@code model} now on {@code threads} threads. */
    record Dispatch(ServedModel model, int threads, int maxSamples) {
        Dispatch(ServedModel model, int threads) {
            this(model, threads, Integer.MAX_VALUE);
        }
    }

    /** Which tenants are ready together: the key under which a searched schedule is cached. */
    record Mix(List<String> tenants) {
        static Mix of(List<Candidate> ready) {
            return new Mix(ready.stream().map(c -> c.model().name() + ":" + c.model().version()).sorted().toList());
        }
    }

    /**
     * Picks this round's dispatches from {@code ready} (never more threads in total than
     * {@code freeCores}); an empty list waits for the next change. {@code active} lists the
     * tenants running or with recent arrivals, ready or not.
     */
    List<Dispatch> pick(List<Candidate> ready, int freeCores, int cores, List<ServedModel> active, long nowNanos);
}
