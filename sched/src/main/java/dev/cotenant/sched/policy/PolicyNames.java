package dev.cotenant.sched.policy;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;

/** The spelling of policies: single names, and the arguments of mps: and mig:. */
final class PolicyNames {

    static final String KNOWN = "sequential, multistream, multistream-1host, interleave, gacer, gacer-1host, timeslice, "
            + "mps, mps:P1,P2,..., mig:3g,2g,..., all";

    private PolicyNames() {}

    static Policy named(String p) {
        return switch (p) {
            case "sequential" -> new Policy.Sequential();
            case "multistream" -> new Policy.Multistream(false);
            case "multistream-1host" -> new Policy.Multistream(true);
            case "interleave" -> new Policy.Interleave();
            case "gacer" -> new Policy.Gacer(false);
            case "gacer-1host" -> new Policy.Gacer(true);
            case "timeslice" -> new Policy.Timeslice();
            case "mps" -> new Policy.Mps(List.of());
            default -> throw new ModelException("unknown policy '" + p + "' (known: " + KNOWN + ")");
        };
    }

    static Policy mps(List<String> args) {
        List<Integer> pct = new ArrayList<>();
        for (String a : args) {
            int v;
            try {
                v = Integer.parseInt(a);
            } catch (NumberFormatException e) {
                throw new ModelException("mps: '" + a + "' is not a percentage");
            }
            if (v < 1 || v > 100) {
                throw new ModelException("mps: percentages go from 1 to 100, got " + v);
            }
            pct.add(v);
        }
        return new Policy.Mps(pct);
    }

    static Policy mig(List<String> args) {
        List<Integer> s = new ArrayList<>();
        for (String a : args) {
            if (!a.matches("\\d+g")) {
                throw new ModelException("mig: expected instance profiles like 3g, got '" + a + "'");
            }
            int g = Integer.parseInt(a.substring(0, a.length() - 1));
            SimulatedPolicy.migMemoryEighths(g);
            s.add(g);
        }
        return new Policy.Mig(s);
    }
}
