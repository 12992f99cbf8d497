/**
 * The server's logs: SLF4J with Logback behind it, one line per event as text or as JSON
 * ({@code --log-format}), the access log's logger, and the defaults every command starts with.
 * Imports no other server package: the rest of the server logs through plain SLF4J.
 */
package dev.cotenant.server.logs;
