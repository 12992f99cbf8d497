package dev.cotenant.server.front;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.server.protocol.InferError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One REST request and its answer: Jetty's request, response and completion callback, the body
 * read within the size limit, and the access line written when the answer has gone.
 */
final class Exchange {

    /** The most of an oversized body read and dropped before the 413 goes out. */
    private static final long OVERSIZED_DRAIN_BYTES = 16L << 20;

    final Request request;
    final Response response;
    final AccessLine access;
    private final Callback done;
    private final long maxBodyBytes;

    Exchange(Request request, Response response, Callback done, AccessLine access, long maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.done = done;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return Request.getPathInContext(request);
    }

    /** A request header, or null. */
    String header(String name) {
        return request.getHeaders().get(name);
    }

    void json(int status, Object node) {
        try {
            send(status, "application/json", RestCodec.JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The protocol's error answer: {@code {"error": message}} with the kind's status. */
    void error(InferError e) {
        if (e.kind() == InferError.Kind.UNAUTHENTICATED) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        error(e.kind().httpStatus(), e.getMessage());
    }

    void error(int status, String message) {
        ObjectNode n = RestCodec.JSON.createObjectNode();
        n.put("error", message);
        json(status, n);
    }

    void send(int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), done);
    }

    /** Reads and drops what is left of the request body, so the connection stays usable after an early answer. */
    void consume() {
        try {
            Content.Source.consumeAll(request);
        } catch (Exception e) {
            // the connection is closed instead
        }
    }

    /** The body, refused with 413 past the size limit (by Content-Length at once, or while reading). */
    byte[] body() {
        long limit = maxBodyBytes;
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > limit) {
                drain(in);
                throw new InferError(InferError.Kind.TOO_LARGE, "request body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
            if (b.length > limit) {
                drain(in);
                throw new InferError(InferError.Kind.TOO_LARGE, "request body exceeds the limit of " + limit + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw InferError.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of an oversized body, up to {@link #OVERSIZED_DRAIN_BYTES}.
     * Closing a socket whose receive buffer still holds request bytes makes TCP send a reset, and
     * a reset can discard the 413 before the client reads it: the client then sees a dropped
     * connection instead of the error. The drain reads from the stream the body was read from
     * (closing that stream first would end the content, and nothing would be drained). Past the
     * bound the connection is closed anyway; a client sending that much over the limit gets no
     * promise.
     */
    private static void drain(InputStream in) {
        try {
            byte[] sink = new byte[64 << 10];
            long left = OVERSIZED_DRAIN_BYTES;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the connection is closed instead
        }
    }
}
