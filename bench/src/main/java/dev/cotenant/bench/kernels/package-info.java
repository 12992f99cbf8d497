/** JMH benchmarks of the kernels, and the machine's measured peak they are reported against. */
package dev.cotenant.bench.kernels;
