/**
 * Hand-run measurements of the server: what the REST path adds to an in-process call. Imports the
 * server's public entry ({@code dev.cotenant.server}) and the engine; nothing imports it.
 */
package dev.cotenant.bench.serving;
