/**
 * The model repository folder: Triton's layout, {@code config.pbtxt} read into settings, loading
 * and unloading model versions by name, safely inside the folder. Imports {@code serving} and
 * {@code protocol}; hands loaded models to whoever serves them through callbacks.
 */
package dev.cotenant.server.repository;
