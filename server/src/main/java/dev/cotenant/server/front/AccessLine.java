package dev.cotenant.server.front;

import dev.cotenant.server.logs.Logs;
import dev.cotenant.server.protocol.InferResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log line of one request, filled in as the request is served and written once when
 * its answer has gone: protocol, method and path (REST) or RPC (gRPC), status, the model and
 * version it named, the whole duration, and for an answered inference the time it queued and the
 * time its batch computed. Probes ({@code /v2/health/*}, {@code grpc.health.v1}) are logged at
 * DEBUG, so a kubelet polling every second does not fill the log; everything else at INFO.
 */
final class AccessLine {

    private static final Logger LOG = LoggerFactory.getLogger(Logs.ACCESS);

    private final String protocol;
    private final String method;
    private final String target;
    private final String client;
    private final long startNanos = System.nanoTime();
    private volatile String model;
    private volatile String version;
    private volatile long queueNanos = -1;
    private volatile long computeNanos = -1;
    private volatile boolean probe;

    AccessLine(String protocol, String method, String target, String client) {
        this.protocol = protocol;
        this.method = method;
        this.target = target;
        this.client = client;
    }

    /** The model (and version, null or empty for the newest) the request named. */
    void model(String name, String v) {
        this.model = name;
        this.version = v;
    }

    /** The request was answered with {@code r}: where its time went. */
    void answered(InferResult r) {
        this.queueNanos = r.queueNanos();
        this.computeNanos = r.computeNanos();
    }

    /** The request is a liveness or readiness probe. */
    void probe() {
        this.probe = true;
    }

    /** Writes the line with the answer's {@code status} (an HTTP status or a gRPC code's name). */
    void log(Object status) {
        if (probe ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) {
            return;
        }
        LoggingEventBuilder b = (probe ? LOG.atDebug() : LOG.atInfo()).addKeyValue("protocol", protocol).addKeyValue("method", method).addKeyValue("path", target).addKeyValue("status", status);
        if (model != null) {
            b = b.addKeyValue("model", model).addKeyValue("version", version == null || version.isEmpty() ? "latest" : version);
        }
        b = b.addKeyValue("duration_ms", ms(System.nanoTime() - startNanos));
        if (queueNanos >= 0) {
            b = b.addKeyValue("queue_ms", ms(queueNanos)).addKeyValue("compute_ms", ms(computeNanos));
        }
        b.addKeyValue("client", client).log("{} {} {}", method, target, status);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
