package dev.cotenant.server.front;

/**
 * Where a front listens and how much it reads.
 *
 * @param host         address to bind
 * @param port         port, 0 for an ephemeral one
 * @param maxBodyBytes largest request body (REST) or message (gRPC) accepted
 */
public record Binding(String host, int port, long maxBodyBytes) {}
