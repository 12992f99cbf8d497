package dev.cotenant.server.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;

/**
 * The server's {@code /metrics}, through the Prometheus Java client: one registry per server with
 * the client's JVM and process collectors ({@code jvm_*}: memory, GC, threads, classes;
 * {@code process_*}: CPU seconds, resident memory, open files, start time) and
 * {@link ServerFamilies}, which reads the served models and the scheduler at every scrape, so
 * nothing is kept in step as models come and go. Written in the Prometheus text format.
 */
public final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public Metrics(Sources server) {
        JvmMetrics.builder().register(registry);
        registry.register(new ServerFamilies(server));
    }

    /** One scrape, in the text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The scrape's content type (text format 0.0.4). */
    public String contentType() {
        return writer.getContentType();
    }

    /** Process CPU load, 0 to 1 (0 when the platform does not say). */
    static double processCpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuLoad());
        }
        return 0;
    }
}
