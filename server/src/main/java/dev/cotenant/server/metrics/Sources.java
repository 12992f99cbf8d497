package dev.cotenant.server.metrics;

import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.regulate.Scheduler;
import dev.cotenant.server.serving.Executions;
import dev.cotenant.server.serving.ServedModel;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the metrics and the dashboard read: the served models, the scheduler's counters, the recent
 * executions, and how the server was started.
 *
 * @param models       the models served now, in name and version order
 * @param device       the device as {@code ServerOptions.describeDevice} says it
 * @param cores        cores the scheduler hands out
 * @param startedNanos when the server started ({@link System#nanoTime()})
 */
public record Sources(Supplier<List<ServedModel>> models, Scheduler scheduler, Executions executions, Policy policy, String device, int cores,
               long startedNanos) {}
