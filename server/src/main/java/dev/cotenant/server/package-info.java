/**
 * The entry: {@link dev.cotenant.server.Server} and {@link dev.cotenant.server.ServerOptions}, which
 * choose a scheduler by device and policy and put the rooms below together. May import every
 * server package; none imports it.
 */
package dev.cotenant.server;
