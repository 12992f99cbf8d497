/**
 * The gRPC messages and service, generated at build time from {@code src/main/proto/grpc_service.proto}
 * (its {@code ModelConfig} answer carries {@code config}'s message); nothing here but this file is
 * written by hand. Imports protobuf, gRPC and {@code config} only.
 */
package dev.cotenant.server.wire;
