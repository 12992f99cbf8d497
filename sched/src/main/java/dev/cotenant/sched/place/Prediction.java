package dev.cotenant.sched.place;

import java.util.List;

/**
 * What one device serving a group of models is predicted to do: how busy it is, and for each model
 * its 99th-percentile wait and latency against its SLO.
 *
 * @param utilisation the device's busy fraction (offered work over capacity)
 * @param models      one entry per model of the group, in the group's order
 */
public record Prediction(double utilisation, List<Model> models) {

    /** The busy fraction above which a device is not planned, however short the predicted waits: a margin for what the model leaves out. */
    public static final double MAX_UTILISATION = 0.85;

    /**
     * One model on the device.
     *
     * @param serviceP99Ms its own service time at the 99th percentile, co-running as predicted
     * @param waitP99Ms    its wait in the queue at the 99th percentile
     * @param p99Ms        the two together: its predicted latency at the 99th percentile
     */
    public record Model(Demand demand, double serviceP99Ms, double waitP99Ms, double p99Ms) {

        /**
         * Whether the model meets its SLO: its predicted p99 within the SLO, and its p99 wait within
         * half of it, the regulator's admission rule (a request predicted to wait longer is refused
         * at the door, so a device planned past it would answer by refusing).
         */
        public boolean meetsSlo() {
            return p99Ms <= demand.sloMs() && waitP99Ms <= demand.sloMs() / 2;
        }

        /** How far under its SLO the predicted p99 is, in milliseconds (negative: over). */
        public double slackMs() {
            return demand.sloMs() - p99Ms;
        }
    }

    public Prediction {
        models = List.copyOf(models);
    }

    /** Every model meets its SLO and the device is not planned past {@link #MAX_UTILISATION}. */
    public boolean feasible() {
        return utilisation <= MAX_UTILISATION && models.stream().allMatch(Model::meetsSlo);
    }

    /** The least slack of any model, as a fraction of its SLO: how close the tightest model is to missing it. */
    public double tightestSlack() {
        return models.stream().mapToDouble(m -> m.slackMs() / m.demand().sloMs()).min().orElse(1);
    }

    public List<String> names() {
        return models.stream().map(m -> m.demand().model()).toList();
    }
}
