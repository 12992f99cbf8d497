/**
 * The entry: {@link dev.cotenant.server.Server} and {@link dev.cotenant.server.ServerOptions}, which
 * choose a scheduler by device and policy, put the rooms below together and run the server's life
 * (fronts open, models load, ready, drain, closed). May import every server package; none imports it.
 */
package dev.cotenant.server;
