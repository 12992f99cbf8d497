package dev.cotenant.server;

import dev.cotenant.gpusim.Gpu;
import dev.cotenant.gpusim.LoweredModel;
import dev.cotenant.gpusim.Mechanism;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The regulator's sharing per round on the simulated GPU: for each round key (which tenants, at
 * which batch shapes) the sharing the simulator ranks best, searched in the background.
 *
 * <p>A key seen for the first time runs {@link RoundSharing#SEQUENTIAL} (never worse than running
 * the batches alone one after another, and known without a search) while a background thread
 * simulates each of the simulator's mechanisms for that round ({@link Mechanism#parse} "all":
 * sequential, multistream with a host thread per stream and with one, time slicing, MPS with equal
 * shares, MIG with equal instances where the sheet has MIG) and keeps the one with the shortest
 * makespan (device free soonest: the most rounds per second), ties going to the lower mean batch
 * end. Later rounds with that key use the choice. The search costs a few simulations per key and
 * never holds up a round.
 *
 * <p><b>Where a searched schedule plugs in.</b> {@link #use} installs a sharing for a key; a
 * co-location schedule that the scheduler's search found for a mix, lowered to the simulator's
 * input, is a {@link RoundSharing} and goes in there, replacing the mechanism ranking for that key
 * and nothing else.
 */
final class SharingChoice {

    private final Gpu gpu;
    private final Map<String, RoundSharing> chosen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> searching = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cotenant-sharing-search");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    SharingChoice(Gpu gpu) {
        this.gpu = gpu;
    }

    /** The sharing for round {@code key} now; starts a search for it when none is known. */
    RoundSharing forRound(String key, List<LoweredModel> batches) {
        RoundSharing s = chosen.get(key);
        if (s != null) {
            return s;
        }
        if (batches.size() == 1) {
            return RoundSharing.SEQUENTIAL; // one batch: every mechanism runs it alone
        }
        if (searching.putIfAbsent(key, Boolean.TRUE) == null) {
            List<LoweredModel> copy = List.copyOf(batches);
            background.execute(() -> chosen.putIfAbsent(key, rank(copy).sharing()));
        }
        return RoundSharing.SEQUENTIAL;
    }

    /** Installs {@code sharing} for round {@code key}: the extension point for searched schedules. */
    void use(String key, RoundSharing sharing) {
        chosen.put(key, sharing);
    }

    /** The choice made for {@code key}, or null while none is. */
    RoundSharing chosen(String key) {
        return chosen.get(key);
    }

    /** Every mechanism the simulator offers for these batches, simulated; the best first. */
    Ranked rank(List<LoweredModel> batches) {
        RoundSharing best = RoundSharing.SEQUENTIAL;
        SimulatedRound bestRound = SimulatedRound.run(gpu, best, batches);
        for (Mechanism m : Mechanism.parse("all", batches.size(), gpu)) {
            RoundSharing s = new RoundSharing.Of(m);
            SimulatedRound r;
            try {
                r = SimulatedRound.run(gpu, s, batches);
            } catch (RuntimeException e) {
                continue; // a mechanism this sheet cannot host (say, MIG instances it lacks)
            }
            if (r.makespanUs() < bestRound.makespanUs() * (1 - 1e-9)
                    || r.makespanUs() <= bestRound.makespanUs() * (1 + 1e-9) && r.meanEndUs() < bestRound.meanEndUs()) {
                best = s;
                bestRound = r;
            }
        }
        return new Ranked(best, bestRound);
    }

    /** A ranking's winner and its simulated round. */
    record Ranked(RoundSharing sharing, SimulatedRound round) {}

    void stop() {
        background.shutdownNow();
    }
}
