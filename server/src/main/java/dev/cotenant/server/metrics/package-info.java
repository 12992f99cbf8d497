/**
 * What the server shows of itself: the Prometheus text at {@code /metrics} and the live dashboard
 * page with its rolling state. Reads {@code serving}'s statistics and executions and
 * {@code regulate}'s counters; imports nothing above them.
 */
package dev.cotenant.server.metrics;
