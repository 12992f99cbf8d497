package dev.cotenant.server.front;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.metrics.Dashboard;
import dev.cotenant.server.metrics.Metrics;
import dev.cotenant.server.metrics.Sources;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ServedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The REST front: the protocol's endpoints, {@code /metrics} and the dashboard, on Jetty's core
 * handler API (no servlet layer). Inference answers asynchronously: the Jetty thread decodes and
 * queues the request and returns; the scheduler's completion writes the response.
 */
public final class HttpFront {

    private final Binding binding;
    private final Intake intake;
    private final Repository repository;
    private final Sources observed;
    private final org.eclipse.jetty.server.Server jetty;
    private final ServerConnector connector;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A front on {@code binding} that hands requests to {@code intake} and serves {@code observed}'s metrics and dashboard. */
    public HttpFront(Binding binding, Intake intake, Repository repository, Sources observed) {
        this.binding = binding;
        this.intake = intake;
        this.repository = repository;
        this.observed = observed;
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("cotenant-http");
        pool.setDaemon(true);
        this.jetty = new org.eclipse.jetty.server.Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(false);
        this.connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(binding.host());
        connector.setPort(binding.port());
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                inFlight.incrementAndGet();
                Callback done = Callback.from(callback, inFlight::decrementAndGet);
                try {
                    route(request, response, done);
                } catch (InferError e) {
                    if (e.kind() == InferError.Kind.TOO_LARGE) {
                        response.getHeaders().put(HttpHeader.CONNECTION, "close"); // readBody drained what it could
                    } else {
                        consume(request);
                    }
                    send(response, done, e.kind().httpStatus(), RestCodec.error(e.getMessage()));
                } catch (ModelException e) {
                    consume(request);
                    send(response, done, 400, RestCodec.error(e.getMessage()));
                } catch (RuntimeException e) {
                    consume(request);
                    send(response, done, 500, RestCodec.error("internal error: " + e));
                }
                return true;
            }
        });
        // Requests Jetty refuses before they reach the handler (a malformed or ambiguous URI, a
        // bad header) also answer in the protocol's error form.
        jetty.setErrorHandler((Request.Handler) (request, response, callback) -> {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            int code = status instanceof Integer i ? i : response.getStatus();
            send(response, callback, code, RestCodec.error("bad request: " + (message != null ? message : "HTTP " + code)));
            return true;
        });
    }

    public void start() {
        try {
            jetty.start();
        } catch (Exception e) {
            throw new ModelException("cannot start the HTTP server on " + binding.host() + ":" + binding.port()
                    + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public boolean running() {
        return jetty.isRunning();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Waits for responses still being written, then stops. */
    public void stop(Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }

    private void route(Request request, Response response, Callback cb) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        String[] p = path.length() > 1 ? path.substring(1).split("/", -1) : new String[0];
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        if (p.length == 0 || p.length == 1 && p[0].equals("dashboard")) {
            if (get) {
                send(response, cb, 200, "text/html; charset=utf-8", Dashboard.page());
                return;
            }
        } else if (p.length == 1 && p[0].equals("metrics") && get) {
            send(response, cb, 200, "text/plain; version=0.0.4; charset=utf-8",
                    Metrics.write(observed).getBytes(StandardCharsets.UTF_8));
            return;
        } else if (p.length == 2 && p[0].equals("dashboard") && p[1].equals("state") && get) {
            json(response, cb, 200, Dashboard.state(observed));
            return;
        } else if (p[0].equals("v2")) {
            if (v2(p, get, post, request, response, cb)) {
                return;
            }
        }
        throw InferError.notFound("no endpoint " + method + " " + path);
    }

    private boolean v2(String[] p, boolean get, boolean post, Request request, Response response, Callback cb) {
        if (p.length == 1 && get) {
            ObjectNode n = RestCodec.JSON.createObjectNode();
            n.put("name", Intake.NAME);
            n.put("version", Intake.VERSION);
            ArrayNode ext = n.putArray("extensions");
            Intake.EXTENSIONS.forEach(ext::add);
            json(response, cb, 200, n);
            return true;
        }
        if (p.length == 3 && p[1].equals("health") && get) {
            boolean ok = p[2].equals("live") || intake.ready();
            if (!p[2].equals("live") && !p[2].equals("ready")) {
                return false;
            }
            ObjectNode n = RestCodec.JSON.createObjectNode();
            n.put(p[2], ok);
            json(response, cb, ok ? 200 : 503, n);
            return true;
        }
        if (p.length >= 2 && p[1].equals("repository")) {
            return repository(p, post, request, response, cb);
        }
        if (p.length == 3 && p[1].equals("models") && p[2].equals("stats") && get) {
            json(response, cb, 200, RestDocuments.of(repository.models()));
            return true;
        }
        if (p.length >= 3 && p[1].equals("models")) {
            return model(p, get, post, request, response, cb);
        }
        return false;
    }

    /** The repository extension: {@code /v2/repository/index} and {@code /v2/repository/models/NAME/(load|unload)}. */
    private boolean repository(String[] p, boolean post, Request request, Response response, Callback cb) {
        if (p.length == 3 && p[2].equals("index") && post) {
            readBody(request);
            json(response, cb, 200, RestDocuments.index(repository.index()));
            return true;
        }
        if (p.length == 5 && p[2].equals("models") && post && (p[4].equals("load") || p[4].equals("unload"))) {
            readBody(request);
            if (p[4].equals("load")) {
                repository.load(p[3]);
            } else {
                repository.unload(p[3]);
            }
            send(response, cb, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        return false;
    }

    /** {@code /v2/models/NAME[/versions/V][/ready|/stats|/infer]}: metadata, readiness, statistics, inference. */
    private boolean model(String[] p, boolean get, boolean post, Request request, Response response, Callback cb) {
        String model = p[2];
        String version = null;
        int rest = 3;
        if (p.length >= 5 && p[3].equals("versions")) {
            version = p[4];
            rest = 5;
        }
        String action = p.length == rest ? "" : p.length == rest + 1 ? p[rest] : null;
        if (action == null) {
            return false;
        }
        switch (action) {
            case "" -> {
                if (!get) {
                    return false;
                }
                json(response, cb, 200, RestDocuments.metadata(repository, model, version));
            }
            case "ready" -> {
                if (!get) {
                    return false;
                }
                ready(model, version, response, cb);
            }
            case "stats" -> {
                if (!get) {
                    return false;
                }
                ServedModel t = repository.find(model, version);
                json(response, cb, 200, RestDocuments.of(version == null ? repository.entry(model).versions().values() : java.util.List.of(t)));
            }
            case "infer" -> {
                if (!post) {
                    return false;
                }
                infer(model, version, request, response, cb);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Whether the model is ready: loaded and the server taking requests; a model the repository never knew is not found. */
    private void ready(String model, String version, Response response, Callback cb) {
        boolean ready;
        try {
            repository.find(model, version);
            ready = intake.ready();
        } catch (InferError e) {
            if (e.kind() == InferError.Kind.NOT_FOUND && repository.entry(model) == null) {
                throw e;
            }
            ready = false;
        }
        ObjectNode n = RestCodec.JSON.createObjectNode();
        n.put("name", model);
        n.put("ready", ready);
        json(response, cb, ready ? 200 : 400, n);
    }

    private void infer(String model, String version, Request request, Response response, Callback cb) {
        long arrived = System.nanoTime();
        byte[] body = readBody(request);
        ServedModel t = repository.find(model, version);
        RestCodec.Decoded d;
        try {
            String h = request.getHeaders().get(RawTensors.HEADER_LENGTH);
            int headerLength = -1;
            if (h != null) {
                try {
                    headerLength = Integer.parseInt(h.trim());
                } catch (NumberFormatException e) {
                    throw InferError.badRequest(RawTensors.HEADER_LENGTH + " '" + h + "' is not a number");
                }
                if (headerLength < 0) {
                    throw InferError.badRequest(RawTensors.HEADER_LENGTH + " must not be negative");
                }
            }
            d = RestCodec.decode(t, body, headerLength, arrived);
        } catch (InferError e) {
            t.stats().failure(e.kind(), System.nanoTime() - arrived);
            throw e;
        }
        intake.submit(d.request());
        d.request().result().whenComplete((r, e) -> {
            if (e != null) {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (c instanceof InferError ie) {
                    send(response, cb, ie.kind().httpStatus(), RestCodec.error(ie.getMessage()));
                } else {
                    send(response, cb, 500, RestCodec.error("internal error: " + c));
                }
                return;
            }
            try {
                RestCodec.Encoded enc = RestCodec.encode(t, d.request().id(), r, d.binaryOutputs(), d.binaryNames());
                if (enc.headerLength() >= 0) {
                    response.getHeaders().put(RawTensors.HEADER_LENGTH, Integer.toString(enc.headerLength()));
                    send(response, cb, 200, "application/octet-stream", enc.body());
                } else {
                    send(response, cb, 200, "application/json", enc.body());
                }
            } catch (RuntimeException x) {
                send(response, cb, 500, RestCodec.error("internal error while encoding the response: " + x));
            }
        });
    }

    /** Reads and drops what is left of a request body, so the connection stays usable after an early answer. */
    private static void consume(Request request) {
        try {
            Content.Source.consumeAll(request);
        } catch (Exception e) {
            // the connection is closed instead
        }
    }

    /** The most of an oversized body read and dropped before the 413 goes out. */
    private static final long OVERSIZED_DRAIN_BYTES = 16L << 20;

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

    /** The body, refused with 413 past the size limit (by Content-Length at once, or while reading). */
    private byte[] readBody(Request request) {
        long limit = binding.maxBodyBytes();
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

    private static void json(Response response, Callback cb, int status, Object node) {
        try {
            send(response, cb, status, "application/json", RestCodec.JSON.writeValueAsBytes(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Response response, Callback cb, int status, byte[] body) {
        send(response, cb, status, "application/json", body);
    }

    private static void send(Response response, Callback cb, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), cb);
    }
}
