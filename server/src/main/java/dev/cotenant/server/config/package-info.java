/**
 * The model configuration messages, generated at build time from {@code src/main/proto/model_config.proto}:
 * the whole of Triton's {@code config.pbtxt} schema, with its field names and numbers, read strictly
 * by {@code repository} and sent as it is by the gRPC {@code ModelConfig} RPC. Nothing here but this
 * file is written by hand. Imports protobuf only.
 */
package dev.cotenant.server.config;
