/**
 * Where schedules run: the sealed {@code Device} (the CPU and a simulated GPU), the CPU's executor
 * and core pool, the profiler, the timelines runs report, and the lowering of a schedule onto the
 * simulator. May import {@code schedule}, {@code workload}, gpusim and the engine; not policies.
 */
package dev.cotenant.sched.device;
