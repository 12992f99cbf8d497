package dev.cotenant.cli;

/** Placeholder entry point until the command line lands. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("cotenant");
    }
}
