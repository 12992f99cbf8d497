/**
 * What is co-located: a workload of tenants (model, batch, SLO, priority), each planned with its
 * inputs bound, and its shape as the scheduler sees it. May import only the engine.
 */
package dev.cotenant.sched.workload;
