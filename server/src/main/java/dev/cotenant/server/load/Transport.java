package dev.cotenant.server.load;

import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.TensorSpec;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * How the load generator talks to a server: it reads a model's inputs once, prepares one request
 * per model, then sends it again and again. Failures are said in words ({@link #describe}), never
 * as an exception's class name.
 *
 * @param <P> a prepared request
 */
sealed interface Transport<P> extends AutoCloseable permits RestTransport, GrpcTransport {

    /** How one request ended. */
    enum Kind { OK, REJECTED, ERROR }

    /** How one request ended, and the server's or the connection's words when it was not answered. */
    record Outcome(Kind kind, String problem) {
        static final Outcome OK = new Outcome(Kind.OK, null);
    }

    /** The server, as the user gave it, for messages. */
    String target();

    /** Model {@code model}'s inputs from its metadata; a {@link ModelException} in words when the server cannot say. */
    List<TensorSpec> inputs(String model);

    /** A request to {@code model} with {@code tensors}, one per input of {@code specs}, with the batch dimension set. */
    P prepare(String model, List<TensorSpec> specs, List<Tensor> tensors, List<long[]> shapes);

    /** Sends {@code request}; the future never fails, an unanswered request is an {@link Outcome} of kind ERROR. */
    CompletableFuture<Outcome> send(P request);

    @Override
    void close();

    /**
     * What went wrong, in words: the first cause along the chain that says something a user can act
     * on (connection refused, unknown host, a timeout, TLS), else the message, never a class name.
     */
    static String describe(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            switch (c) {
                case ConnectException x -> {
                    return "connection refused";
                }
                case UnresolvedAddressException x -> {
                    return "unknown host";
                }
                case UnknownHostException x -> {
                    return "unknown host " + x.getMessage();
                }
                case NoRouteToHostException x -> {
                    return "no route to host";
                }
                case HttpConnectTimeoutException x -> {
                    return "the connection timed out";
                }
                case HttpTimeoutException x -> {
                    return "no answer in time";
                }
                case SSLException x -> {
                    return "TLS failed: " + x.getMessage();
                }
                case ClosedChannelException x -> {
                    return "the connection was closed";
                }
                case EOFException x -> {
                    return "the connection was closed";
                }
                default -> { }
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return "the request failed without a message";
    }
}
