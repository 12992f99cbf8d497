/**
 * Served models and their requests: each model's queue, door (admission) and statistics, the
 * request lifecycle ({@code RequestState}, moved in one place), batches run and answered, and the
 * fronts' narrow view of the server ({@link dev.cotenant.server.serving.Intake}). Imports
 * {@code protocol}, the engine and the scheduler's workload form.
 */
package dev.cotenant.server.serving;
