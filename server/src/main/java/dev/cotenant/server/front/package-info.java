/**
 * The REST and gRPC fronts: routing, who is let in (bearer tokens, model control, TLS, from
 * {@code access}), one access-log line per request, the REST body codec and JSON documents (the
 * model configuration among them), the gRPC inference service with its repository and statistics
 * RPCs, and {@code grpc.health.v1}. They call the server only through
 * {@link dev.cotenant.server.serving.Intake} and the repository. Imports {@code serving},
 * {@code repository}, {@code metrics}, {@code protocol}, {@code wire}, {@code config},
 * {@code access} and {@code logs}.
 */
package dev.cotenant.server.front;
