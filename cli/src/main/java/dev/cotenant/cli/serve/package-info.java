/** Commands about serving: serve, the load generator and the repository client. */
package dev.cotenant.cli.serve;
