/**
 * The Open Inference Protocol's vocabulary: datatypes, tensor metadata, tensors as raw bytes,
 * errors with the HTTP status and gRPC code each maps to, a request's answer, and a load generator
 * that speaks the protocol as a client. Imports the engine's IR only, no other server package.
 */
package dev.cotenant.server.protocol;
