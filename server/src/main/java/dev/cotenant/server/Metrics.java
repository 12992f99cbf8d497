package dev.cotenant.server;

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
final class Metrics {

    private Metrics() {}

    static String write(Server server) {
        List<Tenant> tenants = server.repository.tenants();
        StringBuilder b = new StringBuilder(4096);
        counter(b, "nv_inference_request_success", "Successful inference requests, all batch sizes", tenants, t -> t.stats.success.sum());
        header(b, "nv_inference_request_failure", "Failed inference requests, by reason", "counter");
        for (Tenant t : tenants) {
            java.util.Map<String, Long> byReason = new java.util.TreeMap<>();
            t.stats.failures.forEach((k, v) -> byReason.merge(k.reason, v.sum(), Long::sum));
            byReason.forEach((reason, n) -> b.append("nv_inference_request_failure{").append(labels(t)).append(",reason=\"")
                    .append(reason).append("\"} ").append(n).append('\n'));
        }
        counter(b, "nv_inference_count", "Inferences performed (a batch of n counts n)", tenants, t -> t.stats.inferences.sum());
        counter(b, "nv_inference_exec_count", "Model executions (batches) performed", tenants, t -> t.stats.executions.sum());
        gauge(b, "nv_inference_pending_request_count", "Requests queued or running", tenants, t -> t.queue.size() + t.stats.inFlight.get());
        counter(b, "nv_inference_request_duration_us", "Cumulative end-to-end duration of successful requests", tenants, t -> t.stats.requestNanos.sum() / 1000);
        counter(b, "nv_inference_queue_duration_us", "Cumulative time requests waited in the queue", tenants, t -> t.stats.queueNanos.sum() / 1000);
        counter(b, "nv_inference_compute_input_duration_us", "Cumulative time spent assembling batch inputs", tenants, t -> t.stats.inputNanos.sum() / 1000);
        counter(b, "nv_inference_compute_infer_duration_us", "Cumulative time spent running the model", tenants, t -> t.stats.inferNanos.sum() / 1000);
        counter(b, "nv_inference_compute_output_duration_us", "Cumulative time spent splitting batch outputs", tenants, t -> t.stats.outputNanos.sum() / 1000);
        header(b, "cotenant_inference_request_latency_seconds", "End-to-end latency of successful requests", "histogram");
        for (Tenant t : tenants) {
            long cum = 0;
            for (int i = 0; i <= TenantStats.BUCKETS.length; i++) {
                cum += t.stats.buckets[i].sum();
                String le = i < TenantStats.BUCKETS.length ? num(TenantStats.BUCKETS[i]) : "+Inf";
                b.append("cotenant_inference_request_latency_seconds_bucket{").append(labels(t)).append(",le=\"").append(le)
                        .append("\"} ").append(cum).append('\n');
            }
            b.append("cotenant_inference_request_latency_seconds_sum{").append(labels(t)).append("} ")
                    .append(num(t.stats.requestNanos.sum() / 1e9)).append('\n');
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
        b.append("cotenant_device_cores ").append(server.options.cores()).append('\n');
        header(b, "cotenant_device_busy_core_seconds_total", "Core-seconds of batches run (threads times wall time)", "counter");
        b.append("cotenant_device_busy_core_seconds_total ").append(num(server.scheduler.busyCoreNanos() / 1e9)).append('\n');
        if (server.scheduler instanceof SimulatedScheduler sim) {
            header(b, "nv_gpu_utilization", "Simulated GPU: fraction of SMs busy over the last 10 s of wall time, 0 to 1", "gauge");
            b.append("nv_gpu_utilization{gpu=\"").append(escape(sim.device().gpu().name())).append("\"} ")
                    .append(num(sim.recentUtilisation())).append('\n');
            header(b, "cotenant_gpu_busy_seconds_total", "Simulated GPU: seconds the device was running a round", "counter");
            b.append("cotenant_gpu_busy_seconds_total ").append(num(sim.deviceBusyNanos() / 1e9)).append('\n');
            header(b, "cotenant_gpu_sm_busy_seconds_total", "Simulated GPU: round seconds times the fraction of SMs busy", "counter");
            b.append("cotenant_gpu_sm_busy_seconds_total ").append(num(sim.smBusyNanos() / 1e9)).append('\n');
        }
        if (server.scheduler instanceof RegulatedScheduler reg) {
            header(b, "cotenant_rounds_together_total", "Regulator: rounds of several ready tenants on an idle device, by how they ran", "counter");
            b.append("cotenant_rounds_together_total{schedule=\"searched\"} ").append(reg.scheduledRounds()).append('\n');
            b.append("cotenant_rounds_together_total{schedule=\"safe\"} ").append(reg.togetherRounds() - reg.scheduledRounds()).append('\n');
            header(b, "cotenant_round_schedules", "Regulator: round keys with a searched co-location schedule installed", "gauge");
            b.append("cotenant_round_schedules ").append(reg.installedSchedules()).append('\n');
        }
        header(b, "cotenant_pending_requests", "Requests queued or running over all models", "gauge");
        b.append("cotenant_pending_requests ").append(server.scheduler.pending()).append('\n');
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

    private static void counter(StringBuilder b, String name, String help, List<Tenant> ts, ToDoubleFunction<Tenant> f) {
        family(b, name, help, "counter", ts, f);
    }

    private static void gauge(StringBuilder b, String name, String help, List<Tenant> ts, ToDoubleFunction<Tenant> f) {
        family(b, name, help, "gauge", ts, f);
    }

    private static void family(StringBuilder b, String name, String help, String type, List<Tenant> ts, ToDoubleFunction<Tenant> f) {
        header(b, name, help, type);
        for (Tenant t : ts) {
            b.append(name).append('{').append(labels(t)).append("} ").append(num(f.applyAsDouble(t))).append('\n');
        }
    }

    private static String labels(Tenant t) {
        return "model=\"" + escape(t.name) + "\",version=\"" + escape(t.version) + "\"";
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
