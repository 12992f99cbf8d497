/**
 * The REST and gRPC fronts: routing, the REST body codec and JSON documents, the gRPC repository
 * and statistics RPCs. They call the server only through {@link dev.cotenant.server.serving.Intake}
 * and the repository. Imports {@code serving}, {@code repository}, {@code metrics}, {@code protocol}.
 */
package dev.cotenant.server.front;
