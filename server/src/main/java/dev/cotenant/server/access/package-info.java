/**
 * Who may do what: bearer tokens and their scopes ({@code --auth-token-file}), whether the
 * repository may be changed over the API ({@code --model-control}), and the TLS identity both
 * fronts serve ({@code --tls-cert}/{@code --tls-key}). Imports no other server package; the fronts
 * ask it.
 */
package dev.cotenant.server.access;
