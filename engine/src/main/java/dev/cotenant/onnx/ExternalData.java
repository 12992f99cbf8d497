package dev.cotenant.onnx;

import dev.cotenant.ir.ModelException;
import dev.cotenant.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.cotenant.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tensor values kept in a file beside the model ({@code data_location = EXTERNAL}).
 *
 * <p>A model file comes from outside, so its {@code location} is untrusted: it must be a relative
 * path that stays inside the model's folder, both as written (no {@code ..} escape after
 * normalising) and once symbolic links are resolved (a link inside the folder pointing elsewhere is
 * refused too). Anything else could make the engine read arbitrary files of the machine.
 */
final class ExternalData {

    private ExternalData() {}

    /** The bytes of {@code t}'s values; {@code expected} is the byte count its type and shape need. */
    static byte[] read(TensorProto t, Path baseDir, long expected, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = number(e.getValue(), "offset", what);
                case "length" -> length = number(e.getValue(), "length", what);
                default -> { } // checksum and future keys do not change where the bytes are
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelException(what + " has external data without a location");
        }
        if (baseDir == null) {
            throw new ModelException(what + " has external data in '" + location + "', but the model was not loaded from a folder");
        }
        Path file = resolve(baseDir, location, what);
        long want = length >= 0 ? length : expected;
        if (want != expected) {
            throw new ModelException(what + ": external data length " + length + " does not match the " + expected + " bytes its type and shape need");
        }
        if (want > Integer.MAX_VALUE - 16) {
            throw new ModelException(what + ": external data of " + want + " bytes is too large for one tensor");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset > size || want > size - offset) {
                throw new ModelException(what + ": external data [" + offset + ", " + (offset + want) + ") lies outside '" + location
                        + "' (" + size + " bytes)");
            }
            byte[] bytes = new byte[(int) want];
            try {
                FileBytes.read(ch, offset, bytes);
            } catch (java.io.EOFException e) {
                throw new ModelException(what + ": external data file '" + location + "' ended early");
            }
            return bytes;
        } catch (IOException e) {
            throw new ModelException(what + ": cannot read external data '" + location + "': " + e.getMessage(), e);
        }
    }

    /** The file {@code location} names, refused unless it lies inside {@code baseDir}. */
    static Path resolve(Path baseDir, String location, String what) {
        String refused = what + ": external data location '" + location + "' is outside the model's folder";
        Path rel;
        try {
            rel = baseDir.getFileSystem().getPath(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ModelException(what + ": external data location '" + location + "' is not a valid path");
        }
        // An absolute path, or a root such as "\\server" or "C:" on some platforms, is never relative to the folder.
        if (rel.isAbsolute() || rel.getRoot() != null || location.startsWith("/") || location.startsWith("\\")) {
            throw new ModelException(refused);
        }
        Path base = baseDir.toAbsolutePath().normalize();
        Path file = base.resolve(rel).normalize();
        if (!file.startsWith(base) || file.equals(base)) {
            throw new ModelException(refused);
        }
        Path realBase;
        Path realFile;
        try {
            realBase = base.toRealPath();
        } catch (IOException e) {
            throw new ModelException(what + ": cannot open the model's folder " + base + ": " + e.getMessage(), e);
        }
        if (!Files.exists(file)) {
            throw new ModelException(what + ": external data file '" + location + "' does not exist in " + base);
        }
        try {
            realFile = file.toRealPath();
        } catch (IOException e) {
            throw new ModelException(what + ": cannot open external data '" + location + "': " + e.getMessage(), e);
        }
        if (!realFile.startsWith(realBase)) {
            throw new ModelException(refused + " (it links to " + realFile + ")");
        }
        if (!Files.isRegularFile(realFile)) {
            throw new ModelException(what + ": external data location '" + location + "' is not a regular file");
        }
        return realFile;
    }

    private static long number(String s, String key, String what) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelException(what + ": external data " + key + " '" + s + "' is not a non-negative integer");
        }
    }
}
