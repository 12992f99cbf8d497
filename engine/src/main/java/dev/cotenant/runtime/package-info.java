/**
 * Plans: operators in order with their kernels bound, weights packed and every intermediate placed
 * in one arena; the planner that makes them and the executor that runs them. The top of the engine.
 */
package dev.cotenant.runtime;
