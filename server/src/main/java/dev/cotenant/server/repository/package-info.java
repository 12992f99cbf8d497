/**
 * The model repository folder: Triton's layout, {@code config.pbtxt} read strictly against Triton's
 * schema (unknown fields are errors, settings read but not honoured are warnings) into settings,
 * the versions served and the instances, the configuration each model is served with in Triton's
 * shape, and loading and unloading model versions by name, safely inside the folder. Imports
 * {@code serving}, {@code protocol} and {@code config}; hands loaded models to whoever serves them
 * through callbacks, and says when a model's state changes.
 */
package dev.cotenant.server.repository;
