/**
 * The arithmetic: reference kernels (the oracle) and their Vector API twins, shaped once for the
 * machine by {@code VectorUnit} (width, registers), and the worker pool that splits them. Imports
 * nothing of Cotenant: it works on arrays.
 */
package dev.cotenant.kernels;
