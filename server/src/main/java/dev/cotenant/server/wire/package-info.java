/**
 * The gRPC messages and service, generated at build time from {@code src/main/proto/grpc_service.proto};
 * nothing here but this file is written by hand. Imports protobuf and gRPC only.
 */
package dev.cotenant.server.wire;
