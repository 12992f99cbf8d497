package dev.cotenant.cli.common;

import dev.cotenant.ir.ModelException;

/**
 * A library that a build from source has and the self-contained distribution leaves out
 * (deploy/dist/build.sh): ONNX Runtime, 133 of the 162 MB the command line's libraries weigh, and
 * JMH. A command that needs one asks first, so that without it the command stops with one line
 * naming the library and where to get it, instead of a NoClassDefFoundError half-way through.
 *
 * @param title the library's name in messages
 * @param probe a class of the library, looked up without being initialised
 */
public record Library(String title, String probe) {

    /** The peer of {@code bench} and the {@code onnxruntime} policy of {@code corun} and {@code demo}. */
    public static final Library ONNX_RUNTIME = new Library("ONNX Runtime", "ai.onnxruntime.OrtEnvironment");

    /** The harness of {@code bench --kernels}. */
    public static final Library JMH = new Library("JMH", "org.openjdk.jmh.runner.Runner");

    /** Whether the library is on the class path. */
    public boolean present() {
        try {
            Class.forName(probe, false, Library.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Returns when the library is present; else a user error saying what needs it ({@code neededBy}) and how to get it. */
    public void require(String neededBy) {
        if (!present()) {
            throw new ModelException(missing() + "; it is needed by " + neededBy + ": build Cotenant from source to use it (./cotenant in a checkout)");
        }
    }

    /** The first half of the message, for notes that go on without the library. */
    public String missing() {
        return title + " is not in this distribution";
    }
}
