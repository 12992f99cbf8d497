package dev.cotenant.onnx;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads file bytes into a heap array in slices of at most {@value #SLICE} bytes.
 *
 * <p>Why not {@code Files.readAllBytes} or one {@code FileChannel.read} into the whole array: the
 * JDK reads a heap buffer through a temporary native buffer of the same size, and keeps that
 * buffer cached in the reading thread for the thread's life. For a 100 MB model that is 100 MB of
 * native memory, outside the Java heap, that nothing ever frees. Reading in slices bounds the
 * temporary buffer to one slice.
 */
final class FileBytes {

    static final int SLICE = 1 << 20;

    private FileBytes() {}

    /** The whole of {@code file}; files of 2 GiB or more do not fit one array and are refused. */
    static byte[] readAll(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("file of " + size + " bytes is too large (at most 2 GiB)");
            }
            byte[] bytes = new byte[(int) size];
            read(ch, 0, bytes);
            return bytes;
        }
    }

    /** Fills {@code dst} from {@code ch} starting at byte {@code position}; fails if the file ends first. */
    static void read(FileChannel ch, long position, byte[] dst) throws IOException {
        int done = 0;
        while (done < dst.length) {
            int r = ch.read(ByteBuffer.wrap(dst, done, Math.min(SLICE, dst.length - done)), position + done);
            if (r < 0) {
                throw new EOFException("file ended after " + (position + done) + " bytes");
            }
            done += r;
        }
    }
}
