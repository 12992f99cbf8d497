/** Commands about co-location: corun, plan, demo and simulate; policy and device names are parsed here, once. */
package dev.cotenant.cli.colocate;
