package dev.cotenant.server.regulate;

import dev.cotenant.gpusim.hardware.Gpu;
import dev.cotenant.gpusim.kernel.LoweredModel;
import dev.cotenant.gpusim.sim.Sharing;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.GpuGacer;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.sched.policy.SimulatedPolicy;
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
 * simulates each of the simulator's mechanisms for that round ({@link Policy#all}:
 * sequential, multistream with a host thread per stream and with one, time slicing, MPS with equal
 * shares, MIG with equal instances where the sheet has MIG), then runs gacer with the simulator as
 * its cost model ({@link GpuGacer}, a short search: {@link #SEARCH}) and keeps whichever has the
 * shortest makespan (device free soonest: the most rounds per second), ties going to the lower
 * mean batch end and then to the mechanism (the simpler sharing). Later rounds with that key use
 * the choice. The search never holds up a round.
 *
 * <p><b>Where a searched schedule plugs in.</b> {@link #use} installs a sharing for a key: a
 * schedule from elsewhere (a longer offline search, a file) goes in there as a
 * {@link RoundSharing.Scheduled}, replacing the background choice for that key and nothing else.
 */
final class SharingChoice {

    /**
     * gacer's budget per round key: one second or 150 schedules simulated, whichever comes first;
     * a key's search runs once, in the background, on a host that also serves requests.
     */
    static final GpuGacer.Settings SEARCH = new GpuGacer.Settings(1, 1.0, 150);

    private final SimulatedGpu device;
    private final Gpu gpu;
    private final Map<String, RoundSharing> chosen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> searching = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cotenant-sharing-search");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    SharingChoice(SimulatedGpu device) {
        this.device = device;
        this.gpu = device.gpu();
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
        SimulatedRound bestRound = SimulatedRound.run(device, best, batches);
        for (Policy p : Policy.all(device, batches.size())) {
            if (p.scheduled()) {
                continue; // the search below is this round's scheduled policy
            }
            RoundSharing s = new RoundSharing.Of(SimulatedPolicy.of(p));
            SimulatedRound r;
            try {
                r = SimulatedRound.run(device, s, batches);
            } catch (RuntimeException e) {
                continue; // a mechanism this sheet cannot host (say, MIG instances it lacks)
            }
            if (r.makespanUs() < bestRound.makespanUs() * (1 - 1e-9)
                    || r.makespanUs() <= bestRound.makespanUs() * (1 + 1e-9) && r.meanEndUs() < bestRound.meanEndUs()) {
                best = s;
                bestRound = r;
            }
        }
        try {
            GpuGacer.Outcome o = GpuGacer.regulate("round", gpu, SimulatedRound.named(batches), Sharing.SHARED.withHost(device.host()), 1, SEARCH, p -> {});
            if (o.searched()) {
                RoundSharing s = new RoundSharing.Scheduled("gacer", o.schedule());
                SimulatedRound r = SimulatedRound.run(device, s, batches);
                if (r.makespanUs() < bestRound.makespanUs() * (1 - 1e-9)) {
                    best = s;
                    bestRound = r;
                }
            }
        } catch (RuntimeException e) {
            // a round the search cannot cover keeps the best mechanism
        }
        return new Ranked(best, bestRound);
    }

    /** A ranking's winner and its simulated round. */
    record Ranked(RoundSharing sharing, SimulatedRound round) {}

    void stop() {
        background.shutdownNow();
    }
}
