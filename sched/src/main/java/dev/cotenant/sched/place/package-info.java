/**
 * Placement: how many devices a set of models needs at their request rates and latency SLOs, and
 * which models share each device. A device's latency is predicted from each model's service time
 * on it (measured on the CPU, simulated on a GPU) by a queueing model with the regulator's
 * admission rule, and the fewest devices on which every model meets its SLO are found by search.
 * Naive placements are predicted the same way, for comparison.
 */
package dev.cotenant.sched.place;
