package dev.cotenant.sched.place;

import dev.cotenant.ir.ModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one device serves a group of models, as the placement sees it: each model's service time on
 * the device, and how co-running models share it.
 */
public sealed interface DeviceModel {

    /** The prediction for {@code group} sharing one device. */
    Prediction predict(List<Demand> group);

    /** A short description of one device, for reports ({@code "cpu, 1 core"}). */
    String describe();

    /**
     * CPU cores serving requests one at a time each (the server's one-thread batches): an M/G/c queue
     * over the group's requests, each taking its model's measured one-thread time. Models on the same
     * cores slow each other through caches too; the {@link Prediction#MAX_UTILISATION} margin is
     * what stands for that here.
     */
    record Cpu(int cores, Map<String, ServiceTime> times) implements DeviceModel {

        public Cpu {
            if (cores < 1) {
                throw new ModelException("a CPU device needs at least one core, not " + cores);
            }
            times = Map.copyOf(times);
        }

        @Override
        public Prediction predict(List<Demand> group) {
            double rate = 0;
            double mean = 0;
            double second = 0;
            for (Demand d : group) {
                ServiceTime s = time(d.model());
                rate += d.rate();
                mean += d.rate() * s.meanMs();
                second += d.rate() * s.secondMomentMs2();
            }
            // The mixture of the group's service times, weighted by request rate: what a FIFO queue sees.
            double waitP99 = Queueing.waitQuantileMs(rate, mean / rate, second / rate, cores, 0.99);
            List<Prediction.Model> models = new ArrayList<>();
            for (Demand d : group) {
                double service = time(d.model()).p99Ms();
                models.add(new Prediction.Model(d, service, waitP99, service + waitP99));
            }
            return new Prediction(mean / 1e3 / cores, models);
        }

        private ServiceTime time(String model) {
            ServiceTime s = times.get(model);
            if (s == null) {
                throw new IllegalArgumentException("no service time for " + model);
            }
            return s;
        }

        @Override
        public String describe() {
            return "cpu, " + cores + (cores == 1 ? " core" : " cores");
        }
    }

    /**
     * A simulated GPU: its prediction for a group comes from simulating the group's models at batch
     * 1 co-running ({@link GpuGroups}), so the kernels' overlap and their slowdown of each other
     * are the simulator's.
     */
    record Gpu(GpuGroups groups) implements DeviceModel {

        @Override
        public Prediction predict(List<Demand> group) {
            return groups.predict(group);
        }

        @Override
        public String describe() {
            return groups.describe();
        }
    }
}
