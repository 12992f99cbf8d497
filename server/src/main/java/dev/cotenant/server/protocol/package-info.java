/**
 * The Open Inference Protocol's vocabulary: datatypes, tensor metadata, tensors as raw bytes,
 * errors with the HTTP status and gRPC code each maps to (and whether the client or the server was
 * at fault), and a request's answer. Imports the engine's IR only, no other server package.
 */
package dev.cotenant.server.protocol;
