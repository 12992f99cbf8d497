package dev.cotenant.sched.place;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a model must serve: {@code rate} requests a second (Poisson arrivals, batch 1 each), each
 * answered within {@code sloMs} at the 99th percentile.
 */
public record Demand(String model, double rate, double sloMs) {

    public Demand {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new ModelException("model '" + model + "': the rate must be a positive number of requests a second, not " + rate);
        }
        if (!(sloMs > 0) || !Double.isFinite(sloMs)) {
            throw new ModelException("model '" + model + "': the SLO must be a positive number of milliseconds, not " + sloMs);
        }
    }

    /** {@code M1:RATE:SLO,M2:RATE:SLO,...}, each model named once. */
    public static List<Demand> parseList(String text) {
        List<Demand> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String item : text.split(",")) {
            Demand d = parse(item.strip());
            if (!seen.add(d.model())) {
                throw new ModelException("--models: '" + d.model() + "' is given twice; give each model once with its total rate");
            }
            out.add(d);
        }
        return out;
    }

    /** {@code MODEL:RATE:SLO_MS}, e.g. {@code resnet18:4:300}. */
    public static Demand parse(String item) {
        String[] p = item.split(":");
        if (p.length != 3 || p[0].isBlank()) {
            throw new ModelException("--models: '" + item + "' is not MODEL:RATE:SLO_MS (e.g. resnet18:4:300: 4 requests/s, p99 within 300 ms)");
        }
        return new Demand(p[0], number(p[1], item, "rate"), number(p[2], item, "SLO"));
    }

    private static double number(String s, String item, String what) {
        try {
            return Double.parseDouble(s.strip().replaceFirst("(?i)ms$", ""));
        } catch (NumberFormatException e) {
            throw new ModelException("--models: '" + item + "': the " + what + " '" + s + "' is not a number");
        }
    }
}
