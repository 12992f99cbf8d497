/**
 * The model configuration messages, generated at build time from {@code src/main/proto/model_config.proto}
 * (the subset of Triton's {@code config.pbtxt} the server reads); nothing here but this file is
 * written by hand. Imports protobuf only.
 */
package dev.cotenant.server.config;
