/**
 * Policies that decide how tenants share a device: the sealed {@code Policy}, the baselines, gacer's
 * search and cost model on the CPU and on the simulated GPU, and the hardware mechanisms made ready
 * for the simulator. May import {@code device}, {@code schedule} and {@code workload}.
 */
package dev.cotenant.sched.policy;
