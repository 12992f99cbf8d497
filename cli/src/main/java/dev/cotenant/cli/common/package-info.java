/** What every subcommand shares: common options, progress lines and error reporting. */
package dev.cotenant.cli.common;
