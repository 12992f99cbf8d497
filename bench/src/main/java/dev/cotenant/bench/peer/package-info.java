/** ONNX Runtime as the peer of co-location comparisons, plugged into the scheduler through its {@code Peer} interface. */
package dev.cotenant.bench.peer;
