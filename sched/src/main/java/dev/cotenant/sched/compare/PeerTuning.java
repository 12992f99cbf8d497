package dev.cotenant.sched.compare;

import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.workload.TenantPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The strongest setup of a peer a user could find by trying, so that Cotenant is compared with the
 * best the peer can do on this machine and not with its defaults: every assignment of 1..cores
 * intra-operator threads to each session run concurrently (oversubscription allowed), and the
 * sessions one after another with k threads each. Every candidate is opened fresh (a session's
 * thread count is fixed when it is created), warmed for one round, and timed as the faster of two.
 */
final class PeerTuning {

    /** Above this many concurrent assignments, only the uniform ones and "one tenant on all cores" are tried. */
    static final int MAX_ASSIGNMENTS = 64;

    private PeerTuning() {}

    /** The setups tried for {@code tenants} tenants on {@code cores} cores. */
    static List<Peer.Setup> candidates(int tenants, int cores) {
        List<Peer.Setup> out = new ArrayList<>();
        if (Math.pow(cores, tenants) <= MAX_ASSIGNMENTS) {
            int[] t = new int[tenants];
            java.util.Arrays.fill(t, 1);
            while (true) {
                out.add(new Peer.Setup(java.util.Arrays.stream(t).boxed().toList(), false));
                int i = 0;
                while (i < tenants && t[i] == cores) {
                    t[i++] = 1;
                }
                if (i == tenants) {
                    break;
                }
                t[i]++;
            }
        } else {
            for (int k = 1; k <= cores; k++) {
                out.add(new Peer.Setup(Collections.nCopies(tenants, k), false));
            }
            for (int heavy = 0; heavy < tenants; heavy++) {
                List<Integer> t = new ArrayList<>(Collections.nCopies(tenants, 1));
                t.set(heavy, cores);
                out.add(new Peer.Setup(t, false));
            }
        }
        for (int k = 1; k <= cores; k++) {
            out.add(new Peer.Setup(Collections.nCopies(tenants, k), true));
        }
        return out;
    }

    /** The candidate with the shortest round; {@code notes} gets the winner and how many were tried. */
    static Peer.Setup best(Peer peer, CpuDevice device, List<TenantPlan> plans, List<String> notes) {
        List<Peer.Setup> candidates = candidates(plans.size(), device.cores());
        Peer.Setup best = candidates.getFirst();
        double bestMs = Double.MAX_VALUE;
        double worstMs = 0;
        for (Peer.Setup s : candidates) {
            try (Peer.Session session = peer.open(plans, s)) {
                session.round(device.cores());
                CoLocation.settle();
                double ms = Math.min(session.round(device.cores()).medianMakespanMs(), session.round(device.cores()).medianMakespanMs());
                worstMs = Math.max(worstMs, ms);
                if (ms < bestMs) {
                    bestMs = ms;
                    best = s;
                }
            }
        }
        notes.add(String.format(Locale.ROOT, "%s-tuned: %s (%.1f ms), the best of %d setups tried (the worst took %.1f ms)",
                peer.name(), best.describe(), bestMs, candidates.size(), worstMs));
        return best;
    }
}
