/**
 * How queued requests become work on the device: the schedulers (the regulator, the multistream
 * baseline, serving on a simulated GPU), round policies and searched round schedules, and how a
 * round shares a simulated GPU. Imports {@code serving}, {@code protocol}, the scheduler and the simulator.
 */
package dev.cotenant.server.regulate;
