package dev.cotenant.server.access;

/** What a request needs a token for; a control token may do everything an inference token may. */
public enum Scope {
    /** Liveness and readiness probes: never a token (a load balancer or kubelet has none). */
    OPEN,
    /**
     * The dashboard's page: never a token, since a browser cannot send one when it opens a page. It
     * is static and holds no data; it asks for a token and sends it with its requests for the data.
     */
    PAGE,
    /** Inference, metadata, configuration, statistics, the repository index, metrics and the dashboard's data. */
    INFER,
    /** Loading and unloading models. */
    CONTROL
}
