/** Commands about single models: run, inspect, conformance, bench and the zoo. */
package dev.cotenant.cli.model;
