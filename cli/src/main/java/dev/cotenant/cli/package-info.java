/** The {@code cotenant} command: its entry point and the list of subcommands. */
package dev.cotenant.cli;
