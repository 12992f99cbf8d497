package dev.cotenant.sched.place;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The fewest devices on which every model meets its SLO, and two naive placements to compare with.
 *
 * <p>With up to {@link #EXACT} models the search is exact: every group of models is predicted once
 * (a group is only tried when every group one model smaller is feasible: adding a model never
 * shortens a queue, so the feasible groups are closed under removal), then a dynamic programme over
 * sets of models covers them all with the fewest feasible groups, and among equal counts keeps the
 * cover whose tightest model is furthest from its SLO. Beyond that, first-fit decreasing by load
 * with the same feasibility test.
 */
public final class Placer {

    /** The most models placed exactly (3^n steps, at most 2^n predictions). */
    static final int EXACT = 12;

    private Placer() {}

    /** The most replicas one model is split into before the placement gives up on it. */
    static final int MAX_REPLICAS = 64;

    /**
     * The demands as the devices will see them: a model that no single device can serve at its
     * rate is split into the fewest replicas that one device each can, its rate shared evenly (as a
     * load balancer in front of them would); a model that misses its SLO even alone at a trickle is
     * one clear error, naming every such model.
     */
    public static List<Demand> replicate(List<Demand> demands, DeviceModel device) {
        if (demands.isEmpty()) {
            throw new ModelException("--models: no model to place");
        }
        List<Demand> out = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        for (Demand d : demands) {
            int k = 1;
            while (k <= MAX_REPLICAS && !device.predict(List.of(share(d, k))).feasible()) {
                k++;
            }
            if (k > MAX_REPLICAS) {
                alone.add(unservable(d, device.predict(List.of(share(d, MAX_REPLICAS)))));
                continue;
            }
            for (int i = 0; i < k; i++) {
                out.add(share(d, k));
            }
        }
        if (!alone.isEmpty()) {
            throw new ModelException("no device of this kind (" + device.describe() + ") serves " + String.join("; ", alone)
                    + ": raise the SLO or plan with a faster device");
        }
        return out;
    }

    private static Demand share(Demand d, int k) {
        return k == 1 ? d : new Demand(d.model(), d.rate() / k, d.sloMs());
    }

    private static String unservable(Demand d, Prediction p) {
        Prediction.Model m = p.models().getFirst();
        return String.format(Locale.ROOT, "%s (even split %d ways: p99 %.1f ms of which %.1f ms waiting, against its SLO of %.0f ms and half of "
                + "it for the wait)", d.model(), MAX_REPLICAS, m.p99Ms(), m.waitP99Ms(), d.sloMs());
    }

    /**
     * The SLO-aware placement of {@link #replicate replicated} demands, with at most
     * {@code maxDevices} devices and never two replicas of a model on one device;
     * {@code progress} counts predictions made.
     */
    public static Placement place(List<Demand> demands, DeviceModel device, int maxDevices, IntConsumer progress) {
        for (Demand d : demands) {
            if (!device.predict(List.of(d)).feasible()) {
                throw new IllegalArgumentException(d + " alone is not feasible: replicate the demands first");
            }
        }
        Placement best = demands.size() <= EXACT ? exact(demands, device, progress) : firstFitDecreasing(demands, device);
        if (best.devices().size() > maxDevices) {
            throw new ModelException(String.format(Locale.ROOT, "these models need %d devices (%s) to meet their SLOs, more than --max-devices %d",
                    best.devices().size(), device.describe(), maxDevices));
        }
        return best;
    }

    private static Placement exact(List<Demand> demands, DeviceModel device, IntConsumer progress) {
        int n = demands.size();
        int all = (1 << n) - 1;
        Prediction[] group = new Prediction[all + 1];
        boolean[] feasible = new boolean[all + 1];
        int made = 0;
        for (int mask = 1; mask <= all; mask++) {
            if (Integer.bitCount(mask) > 1 && (!everySmallerFeasible(mask, feasible) || !distinct(members(demands, mask)))) {
                continue;
            }
            group[mask] = device.predict(members(demands, mask));
            feasible[mask] = group[mask].feasible();
            progress.accept(++made);
        }
        int[] count = new int[all + 1];
        double[] slack = new double[all + 1];
        int[] last = new int[all + 1];
        for (int mask = 1; mask <= all; mask++) {
            count[mask] = Integer.MAX_VALUE;
            int low = mask & -mask;
            // Every feasible group holding the lowest model of mask, and the best cover of the rest.
            for (int s = mask; s > 0; s = (s - 1) & mask) {
                int rest = mask ^ s;
                if ((s & low) == 0 || !feasible[s] || rest != 0 && count[rest] == Integer.MAX_VALUE) {
                    continue;
                }
                int c = 1 + (rest == 0 ? 0 : count[rest]);
                double k = Math.min(group[s].tightestSlack(), rest == 0 ? Double.POSITIVE_INFINITY : slack[rest]);
                if (c < count[mask] || c == count[mask] && k > slack[mask]) {
                    count[mask] = c;
                    slack[mask] = k;
                    last[mask] = s;
                }
            }
        }
        List<Prediction> devices = new ArrayList<>();
        for (int mask = all; mask != 0; mask ^= last[mask]) {
            devices.add(group[last[mask]]);
        }
        devices.sort(Comparator.comparingInt(p -> demands.indexOf(p.models().getFirst().demand())));
        return new Placement("slo-aware", devices);
    }

    private static boolean everySmallerFeasible(int mask, boolean[] feasible) {
        for (int rest = mask; rest != 0; rest &= rest - 1) {
            if (!feasible[mask & ~(rest & -rest)]) {
                return false;
            }
        }
        return true;
    }

    /** Whether no model appears twice: replicas of one model go to different devices. */
    private static boolean distinct(List<Demand> group) {
        return group.stream().map(Demand::model).distinct().count() == group.size();
    }

    private static List<Demand> members(List<Demand> demands, int mask) {
        List<Demand> out = new ArrayList<>();
        for (int i = 0; i < demands.size(); i++) {
            if ((mask >> i & 1) != 0) {
                out.add(demands.get(i));
            }
        }
        return out;
    }

    /** Heaviest first, each onto the first device that stays feasible with it. */
    private static Placement firstFitDecreasing(List<Demand> demands, DeviceModel device) {
        List<Demand> order = new ArrayList<>(demands);
        order.sort(Comparator.comparingDouble((Demand d) -> device.predict(List.of(d)).utilisation()).reversed());
        List<List<Demand>> groups = new ArrayList<>();
        for (Demand d : order) {
            List<Demand> home = null;
            for (List<Demand> g : groups) {
                List<Demand> with = new ArrayList<>(g);
                with.add(d);
                if (distinct(with) && device.predict(with).feasible()) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(d);
        }
        return new Placement("slo-aware (first-fit decreasing)", groups.stream().map(device::predict).toList());
    }

    /** Naive: every model on a device of its own. */
    public static Placement onePerModel(List<Demand> demands, DeviceModel device) {
        return new Placement("one-per-model", demands.stream().map(d -> device.predict(List.of(d))).toList());
    }

    /**
     * Naive: in the order given, each model onto the first device whose average load stays within
     * {@link Prediction#MAX_UTILISATION} (the target utilisation an operator packs to, and the same
     * ceiling the SLO-aware placement plans to), ignoring latency: bin packing by mean load alone.
     */
    public static Placement firstFitByLoad(List<Demand> demands, DeviceModel device) {
        List<List<Demand>> groups = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        for (Demand d : demands) {
            double u = device.predict(List.of(d)).utilisation();
            int home = -1;
            for (int g = 0; g < groups.size() && home < 0; g++) {
                boolean twice = groups.get(g).stream().anyMatch(o -> o.model().equals(d.model()));
                home = !twice && loads.get(g) + u <= Prediction.MAX_UTILISATION ? g : -1;
            }
            if (home < 0) {
                groups.add(new ArrayList<>());
                loads.add(0.0);
                home = groups.size() - 1;
            }
            groups.get(home).add(d);
            loads.set(home, loads.get(home) + u);
        }
        return new Placement("first-fit-by-load", groups.stream().map(device::predict).toList());
    }
}
