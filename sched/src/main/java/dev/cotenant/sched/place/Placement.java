package dev.cotenant.sched.place;

import java.util.List;

/**
 * Which models share which device, and what each device is predicted to do.
 *
 * @param method  how it was found: {@code slo-aware}, {@code one-per-model}, {@code first-fit-by-load}
 * @param devices one prediction per device
 */
public record Placement(String method, List<Prediction> devices) {

    public Placement {
        devices = List.copyOf(devices);
    }

    /** Whether every model of every device is predicted to meet its SLO. */
    public boolean meetsSlos() {
        return devices.stream().allMatch(Prediction::feasible);
    }

    /** The models of each device, by name. */
    public List<List<String>> groups() {
        return devices.stream().map(Prediction::names).toList();
    }
}
