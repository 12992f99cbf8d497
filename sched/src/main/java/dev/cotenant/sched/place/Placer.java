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

    /** The SLO-aware placement, with at most {@code maxDevices} devices; {@code progress} counts predictions made. */
    public static Placement place(List<Demand> demands, DeviceModel device, int maxDevices, IntConsumer progress) {
        if (demands.isEmpty()) {
            throw new ModelException("--models: no model to place");
        }
        List<String> alone = new ArrayList<>();
        for (Demand d : demands) {
            Prediction p = device.predict(List.of(d));
            if (!p.feasible()) {
                Prediction.Model m = p.models().getFirst();
                alone.add(Double.isFinite(m.p99Ms())
                        ? String.format(Locale.ROOT, "%s (alone: p99 %.1f ms of which %.1f ms waiting, against its SLO of %.0f ms and half of "
                                + "it for the wait; device %.0f%% busy, at most %.0f%% planned)", d.model(), m.p99Ms(), m.waitP99Ms(), d.sloMs(),
                                100 * p.utilisation(), 100 * Prediction.MAX_UTILISATION)
                        : String.format(Locale.ROOT, "%s (alone it overloads the device: %.0f%% busy)", d.model(), 100 * p.utilisation()));
            }
        }
        if (!alone.isEmpty()) {
            throw new ModelException("no device of this kind (" + device.describe() + ") serves " + String.join("; ", alone)
                    + ": lower the rate, raise the SLO, or plan with a larger device");
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
            if (Integer.bitCount(mask) > 1 && !everySmallerFeasible(mask, feasible)) {
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
                if (device.predict(with).feasible()) {
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
                home = loads.get(g) + u <= Prediction.MAX_UTILISATION ? g : -1;
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
