/** Tensor files: the NumPy {@code .npy} format read and written for inputs and outputs. */
package dev.cotenant.io;
