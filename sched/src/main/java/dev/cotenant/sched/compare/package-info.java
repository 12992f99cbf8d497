/**
 * Policies side by side: run every policy on one device with alternating rounds, the lower bound
 * beside them, a peer runtime where one is plugged in ({@code Peer}), and the reports (trace, HTML).
 * The top of the scheduler; nothing in it is imported by the packages below.
 */
package dev.cotenant.sched.compare;
