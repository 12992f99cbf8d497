package dev.cotenant.server.access;

/** What a request needs a token for; a control token may do everything an inference token may. */
public enum Scope {
    /** Liveness and readiness probes: never a token (a load balancer or kubelet has none). */
    OPEN,
    /** Inference, metadata, configuration, statistics, the repository index, metrics and the dashboard. */
    INFER,
    /** Loading and unloading models. */
    CONTROL
}
