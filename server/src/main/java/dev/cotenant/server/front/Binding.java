package dev.cotenant.server.front;

import dev.cotenant.server.access.Access;

/**
 * Where a front listens, how much it reads, and who it lets in.
 *
 * @param host         address to bind
 * @param port         port, 0 for an ephemeral one
 * @param maxBodyBytes largest request body (REST) or message (gRPC) accepted
 * @param access       tokens, model control and TLS
 */
public record Binding(String host, int port, long maxBodyBytes, Access access) {}
