package dev.cotenant.server.metrics;

import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.regulate.RegulatedScheduler;
import dev.cotenant.server.regulate.SimulatedScheduler;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The server's own metric families, read at every scrape.
 *
 * <p>Per model (labels {@code model}, {@code version}), Triton's names, so that dashboards built
 * for Triton read them unchanged: {@code nv_inference_request_success}, {@code _failure} (the
 * server's failures by {@code reason}: unavailable, queue_full, timeout, backend), {@code
 * nv_inference_count}, {@code _exec_count}, the cumulative {@code _duration_us} families and the
 * {@code nv_inference_pending_request_count} gauge. Triton's counters have no {@code _total}
 * suffix, which the client's counter type would add; they are exposed untyped so their names stay
 * exactly Triton's (Prometheus treats an untyped series like any other, {@code rate()} included).
 *
 * <p>Cotenant's own, named and typed as Prometheus asks: client errors apart from failures
 * ({@code cotenant_inference_client_errors_total} by reason: bad_request, unauthenticated,
 * forbidden, not_found, too_large), the end-to-end latency histogram, and the scheduler's cores,
 * busy time, rounds and, on a simulated GPU, its utilisation.
 */
final class ServerFamilies implements MultiCollector {

    private final Sources server;

    ServerFamilies(Sources server) {
        this.server = server;
    }

    @Override
    public MetricSnapshots collect() {
        List<ServedModel> models = server.models().get();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(triton("nv_inference_request_success", "Successful inference requests, all batch sizes", models, t -> t.stats().successes()));
        out.add(failures(models));
        out.add(triton("nv_inference_count", "Inferences performed (a batch of n counts n)", models, t -> t.stats().inferences()));
        out.add(triton("nv_inference_exec_count", "Model executions (batches) performed", models, t -> t.stats().executions()));
        out.add(triton("nv_inference_request_duration_us", "Cumulative end-to-end duration of successful requests", models,
                t -> t.stats().requestNanos() / 1000));
        out.add(triton("nv_inference_queue_duration_us", "Cumulative time requests waited in the queue", models, t -> t.stats().queueNanos() / 1000));
        out.add(triton("nv_inference_compute_input_duration_us", "Cumulative time spent assembling batch inputs", models,
                t -> t.stats().inputNanos() / 1000));
        out.add(triton("nv_inference_compute_infer_duration_us", "Cumulative time spent running the model", models,
                t -> t.stats().inferNanos() / 1000));
        out.add(triton("nv_inference_compute_output_duration_us", "Cumulative time spent splitting batch outputs", models,
                t -> t.stats().outputNanos() / 1000));
        GaugeSnapshot.Builder pending = GaugeSnapshot.builder().name("nv_inference_pending_request_count").help("Requests queued or running");
        for (ServedModel t : models) {
            pending.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(t)).value(t.queue().size() + t.stats().inFlight()).build());
        }
        out.add(pending.build());
        out.add(clientErrors(models));
        out.add(latency(models));
        Runtime rt = Runtime.getRuntime();
        out.add(gauge("nv_cpu_utilization", "Process CPU utilisation, 0 to 1 of all cores", Metrics.processCpuLoad()));
        out.add(gauge("nv_cpu_memory_used_bytes", "Java heap in use", rt.totalMemory() - rt.freeMemory()));
        out.add(gauge("nv_cpu_memory_total_bytes", "Java heap limit", rt.maxMemory()));
        scheduler(out);
        return new MetricSnapshots(out);
    }

    private void scheduler(List<MetricSnapshot> out) {
        out.add(gauge("cotenant_device_cores", "Cores the scheduler hands out", server.cores()));
        out.add(counter("cotenant_device_busy_core_seconds", "Core-seconds of batches run (threads times wall time)", Labels.EMPTY,
                server.scheduler().busyCoreNanos() / 1e9));
        out.add(gauge("cotenant_pending_requests", "Requests queued or running over all models", server.scheduler().pending()));
        if (server.scheduler() instanceof SimulatedScheduler sim) {
            out.add(GaugeSnapshot.builder().name("nv_gpu_utilization").help("Simulated GPU: fraction of SMs busy over the last 10 s of wall time, 0 to 1")
                    .dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("gpu", sim.device().gpu().name())).value(sim.recentUtilisation()).build())
                    .build());
            out.add(counter("cotenant_gpu_busy_seconds", "Simulated GPU: seconds the device was running a round", Labels.EMPTY, sim.deviceBusyNanos() / 1e9));
            out.add(counter("cotenant_gpu_sm_busy_seconds", "Simulated GPU: round seconds times the fraction of SMs busy", Labels.EMPTY,
                    sim.smBusyNanos() / 1e9));
        }
        if (server.scheduler() instanceof RegulatedScheduler reg) {
            out.add(CounterSnapshot.builder().name("cotenant_rounds_together")
                    .help("Regulator: rounds of several ready tenants on an idle device, by how they ran")
                    .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("schedule", "searched")).value(reg.scheduledRounds()).build())
                    .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("schedule", "safe"))
                            .value(reg.togetherRounds() - reg.scheduledRounds()).build())
                    .build());
            out.add(gauge("cotenant_round_schedules", "Regulator: round keys with a searched co-location schedule installed", reg.installedSchedules()));
        }
    }

    private static Labels labels(ServedModel t) {
        return Labels.of("model", t.name(), "version", t.version());
    }

    private static UnknownSnapshot triton(String name, String help, List<ServedModel> models, ToDoubleFunction<ServedModel> f) {
        UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
        for (ServedModel t : models) {
            b.dataPoint(UnknownDataPointSnapshot.builder().labels(labels(t)).value(f.applyAsDouble(t)).build());
        }
        return b.build();
    }

    private static UnknownSnapshot failures(List<ServedModel> models) {
        UnknownSnapshot.Builder b = UnknownSnapshot.builder().name("nv_inference_request_failure")
                .help("Inference requests the server failed, by reason (client errors are cotenant_inference_client_errors_total)");
        for (ServedModel t : models) {
            for (InferError.Kind k : InferError.Kind.values()) {
                if (!k.clientError()) {
                    b.dataPoint(UnknownDataPointSnapshot.builder().labels(labels(t).add("reason", k.reason())).value(t.stats().failures(k)).build());
                }
            }
        }
        return b.build();
    }

    private static CounterSnapshot clientErrors(List<ServedModel> models) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name("cotenant_inference_client_errors")
                .help("Inference requests refused because the client asked wrongly (not server failures), by reason");
        for (ServedModel t : models) {
            for (InferError.Kind k : InferError.Kind.values()) {
                if (k.clientError()) {
                    b.dataPoint(CounterDataPointSnapshot.builder().labels(labels(t).add("reason", k.reason())).value(t.stats().failures(k)).build());
                }
            }
        }
        return b.build();
    }

    private static HistogramSnapshot latency(List<ServedModel> models) {
        List<Double> bounds = ModelStats.bucketBounds();
        double[] upper = new double[bounds.size() + 1];
        for (int i = 0; i < bounds.size(); i++) {
            upper[i] = bounds.get(i);
        }
        upper[bounds.size()] = Double.POSITIVE_INFINITY;
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name("cotenant_inference_request_latency_seconds")
                .help("End-to-end latency of successful requests");
        for (ServedModel t : models) {
            long[] counts = new long[upper.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = t.stats().bucket(i);
            }
            b.dataPoint(HistogramDataPointSnapshot.builder().labels(labels(t)).classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts))
                    .sum(t.stats().requestNanos() / 1e9).build());
        }
        return b.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, Labels labels, double value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build()).build();
    }
}
