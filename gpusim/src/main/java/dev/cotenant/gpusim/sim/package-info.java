/**
 * The discrete-event simulator: streams of launches, events and waits submitted by host threads,
 * left-over block dispatch over the SMs, priorities, time slicing, shared bandwidth; the timeline it
 * records, and its check against published figures. May import {@code hardware} and {@code kernel};
 * knows nothing of schedules or policies.
 */
package dev.cotenant.gpusim.sim;
