/**
 * What the server shows of itself: {@code /metrics} through the Prometheus Java client (JVM and
 * process collectors, Triton's per-model families, Cotenant's own) and the live dashboard page
 * with its rolling state. Reads {@code serving}'s statistics and executions and
 * {@code regulate}'s counters; imports nothing above them.
 */
package dev.cotenant.server.metrics;
