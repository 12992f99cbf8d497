/**
 * The unified scheduling representation: streams of tasks with events, its text form that parses
 * back unchanged, the compact searchable form (sync points, splits, concurrency) and the checks that
 * a schedule fits its workload. May import {@code workload}.
 */
package dev.cotenant.sched.schedule;
