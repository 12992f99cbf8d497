/**
 * The load generator: the protocol spoken as a client, over REST (binary tensor extension) or gRPC
 * ({@code raw_input_contents}), open-loop Poisson or closed-loop load, rate sweeps, and reports as a
 * table, JSON or CSV. Imports {@code protocol} and the generated gRPC messages ({@code wire}).
 */
package dev.cotenant.server.load;
