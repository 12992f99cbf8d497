package dev.cotenant.server.metrics;

import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.regulate.RegulatedScheduler;
import dev.cotenant.server.regulate.SimulatedScheduler;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus text exposition at {@code /metrics}. Per-model families carry Triton's names and
 * {@code model}/{@code version} labels, so dashboards built for Triton read them unchanged; the
 * latency histogram and the scheduler's core accounting are Cotenant's own ({@code cotenant_}).
 * Written by hand: a few dozen lines, no registry to keep in step with the tenants coming and going.
 */
public final class Metrics {

    private Metrics() {}

    public static String write(Sources server) {
        List<ServedModel> tenants = server.models().get();
        StringBuilder b = new StringBuilder(4096);
        counter(b, "nv_inference_request_success", "Successful inference requests, all batch sizes", tenants, t -> t.stats().successes());
        header(b, "nv_inference_request_failure", "Failed inference requests, by reason", "counter");
        for (ServedModel t : tenants) {
            java.util.Map<String, Long> byReason = new java.util.TreeMap<>();
            for (InferError.Kind k : InferError.Kind.values()) {
                byReason.merge(k.reason(), t.stats().failures(k), Long::sum);
            }
            byReason.forEach((reason, n) -> b.append("nv_inference_request_failure{").append(labels(t)).append(",reason=\"")
                    .append(reason).append("\"} ").append(n).append('\n'));
        }
        counter(b, "nv_inference_count", "Inferences performed (a batch of n counts n)", tenants, t -> t.stats().inferences());
        counter(b, "nv_inference_exec_count", "Model executions (batches) performed", tenants, t -> t.stats().executions());
        gauge(b, "nv_inference_pending_request_count", "Requests queued or running", tenants, t -> t.queue().size() + t.stats().inFlight());
        counter(b, "nv_inference_request_duration_us", "Cumulative end-to-end duration of successful requests", tenants, t -> t.stats().requestNanos() / 1000);
        counter(b, "nv_inference_queue_duration_us", "Cumulative time requests waited in the queue", tenants, t -> t.stats().queueNanos() / 1000);
        counter(b, "nv_inference_compute_input_duration_us", "Cumulative time spent assembling batch inputs", tenants, t -> t.stats().inputNanos() / 1000);
        counter(b, "nv_inference_compute_infer_duration_us", "Cumulative time spent running the model", tenants, t -> t.stats().inferNanos() / 1000);
        counter(b, "nv_inference_compute_output_duration_us", "Cumulative time spent splitting batch outputs", tenants, t -> t.stats().outputNanos() / 1000);
        header(b, "cotenant_inference_request_latency_seconds", "End-to-end latency of successful requests", "histogram");
        for (ServedModel t : tenants) {
            long cum = 0;
            List<Double> bounds = ModelStats.bucketBounds();
            for (int i = 0; i <= bounds.size(); i++) {
                cum += t.stats().bucket(i);
                String le = i < bounds.size() ? num(bounds.get(i)) : "+Inf";
                b.append("cotenant_inference_request_latency_seconds_bucket{").append(labels(t)).append(",le=\"").append(le)
                        .append("\"} ").append(cum).append('\n');
            }
            b.append("cotenant_inference_request_latency_seconds_sum{").append(labels(t)).append("} ")
                    .append(num(t.stats().requestNanos() / 1e9)).append('\n');
            b.append("cotenant_inference_request_latency_seconds_count{").append(labels(t)).append("} ").append(cum).append('\n');
        }
        double cpu = processCpuLoad();
        header(b, "nv_cpu_utilization", "Process CPU utilisation, 0 to 1 of all cores", "gauge");
        b.append("nv_cpu_utilization ").append(num(cpu)).append('\n');
        Runtime rt = Runtime.getRuntime();
        header(b, "nv_cpu_memory_used_bytes", "Java heap in use", "gauge");
        b.append("nv_cpu_memory_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
        header(b, "nv_cpu_memory_total_bytes", "Java heap limit", "gauge");
        b.append("nv_cpu_memory_total_bytes ").append(rt.maxMemory()).append('\n');
        header(b, "cotenant_device_cores", "Cores the scheduler hands out", "gauge");
        b.append("cotenant_device_cores ").append(server.cores()).append('\n');
        header(b, "cotenant_device_busy_core_seconds_total", "Core-seconds of batches run (threads times wall time)", "counter");
        b.append("cotenant_device_busy_core_seconds_total ").append(num(server.scheduler().busyCoreNanos() / 1e9)).append('\n');
        if (server.scheduler() instanceof SimulatedScheduler sim) {
            header(b, "nv_gpu_utilization", "Simulated GPU: fraction of SMs busy over the last 10 s of wall time, 0 to 1", "gauge");
            b.append("nv_gpu_utilization{gpu=\"").append(escape(sim.device().gpu().name())).append("\"} ")
                    .append(num(sim.recentUtilisation())).append('\n');
            header(b, "cotenant_gpu_busy_seconds_total", "Simulated GPU: seconds the device was running a round", "counter");
            b.append("cotenant_gpu_busy_seconds_total ").append(num(sim.deviceBusyNanos() / 1e9)).append('\n');
            header(b, "cotenant_gpu_sm_busy_seconds_total", "Simulated GPU: round seconds times the fraction of SMs busy", "counter");
            b.append("cotenant_gpu_sm_busy_seconds_total ").append(num(sim.smBusyNanos() / 1e9)).append('\n');
        }
        if (server.scheduler() instanceof RegulatedScheduler reg) {
            header(b, "cotenant_rounds_together_total", "Regulator: rounds of several ready tenants on an idle device, by how they ran", "counter");
            b.append("cotenant_rounds_together_total{schedule=\"searched\"} ").append(reg.scheduledRounds()).append('\n');
            b.append("cotenant_rounds_together_total{schedule=\"safe\"} ").append(reg.togetherRounds() - reg.scheduledRounds()).append('\n');
            header(b, "cotenant_round_schedules", "Regulator: round keys with a searched co-location schedule installed", "gauge");
            b.append("cotenant_round_schedules ").append(reg.installedSchedules()).append('\n');
        }
        header(b, "cotenant_pending_requests", "Requests queued or running over all models", "gauge");
        b.append("cotenant_pending_requests ").append(server.scheduler().pending()).append('\n');
        return b.toString();
    }

    /** Process CPU load, 0 to 1 (0 when the platform does not say). */
    static double processCpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuLoad());
        }
        return 0;
    }

    private static void header(StringBuilder b, String name, String help, String type) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, List<ServedModel> ts, ToDoubleFunction<ServedModel> f) {
        family(b, name, help, "counter", ts, f);
    }

    private static void gauge(StringBuilder b, String name, String help, List<ServedModel> ts, ToDoubleFunction<ServedModel> f) {
        family(b, name, help, "gauge", ts, f);
    }

    private static void family(StringBuilder b, String name, String help, String type, List<ServedModel> ts, ToDoubleFunction<ServedModel> f) {
        header(b, name, help, type);
        for (ServedModel t : ts) {
            b.append(name).append('{').append(labels(t)).append("} ").append(num(f.applyAsDouble(t))).append('\n');
        }
    }

    private static String labels(ServedModel t) {
        return "model=\"" + escape(t.name()) + "\",version=\"" + escape(t.version()) + "\"";
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
