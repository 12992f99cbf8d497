package dev.cotenant.server.front;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.access.Tls;
import dev.cotenant.server.metrics.Metrics;
import dev.cotenant.server.metrics.Sources;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Intake;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST front on Jetty's core handler API (no servlet layer), over HTTP or HTTPS
 * ({@code --tls-cert}). Every request becomes an {@link Exchange}; {@link RestRoutes} answers it.
 * Inference answers asynchronously: the Jetty thread decodes and queues the request and returns;
 * the scheduler's completion writes the response. A refused request answers the protocol's
 * {@code {"error": ...}} with its status; an unexpected exception answers 500 and is logged with
 * its stack trace, and the server serves on. Every answer writes one access line.
 */
public final class HttpFront {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);

    private final Binding binding;
    private final RestRoutes routes;
    private final org.eclipse.jetty.server.Server jetty;
    private final ServerConnector connector;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A front on {@code binding} that hands requests to {@code intake} and serves {@code observed}'s metrics and dashboard. */
    public HttpFront(Binding binding, Intake intake, Repository repository, Sources observed, Metrics metrics) {
        this.binding = binding;
        this.routes = new RestRoutes(intake, repository, observed, metrics, binding.access());
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("cotenant-http");
        pool.setDaemon(true);
        this.jetty = new org.eclipse.jetty.server.Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(false);
        Tls tls = binding.access().tls();
        if (tls == null) {
            this.connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(config));
        } else {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may reach it by an address the certificate does not name; TLS verification is theirs
            config.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(tls.keyStorePassword());
            ConnectionFactory[] factories = {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config)};
            this.connector = new ServerConnector(jetty, 1, 1, factories);
        }
        connector.setHost(binding.host());
        connector.setPort(binding.port());
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                handleRequest(request, response, callback);
                return true;
            }
        });
        // Requests Jetty refuses before they reach the handler (a malformed or ambiguous URI, a
        // bad header, a TLS client speaking plain HTTP) also answer in the protocol's error form.
        jetty.setErrorHandler((Request.Handler) (request, response, callback) -> {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            int code = status instanceof Integer i ? i : response.getStatus();
            AccessLine line = new AccessLine("rest", request.getMethod(), request.getHttpURI().getPath(), client(request));
            new Exchange(request, response, Callback.from(callback, () -> line.log(code)), line, binding.maxBodyBytes())
                    .error(code, "bad request: " + (message != null ? message : "HTTP " + code));
            return true;
        });
    }

    private void handleRequest(Request request, Response response, Callback callback) {
        inFlight.incrementAndGet();
        AccessLine line = new AccessLine("rest", request.getMethod(), Request.getPathInContext(request), client(request));
        Callback done = Callback.from(callback, () -> {
            inFlight.decrementAndGet();
            line.log(response.getStatus());
        });
        Exchange x = new Exchange(request, response, done, line, binding.maxBodyBytes());
        try {
            routes.route(x);
        } catch (InferError e) {
            if (e.kind() == InferError.Kind.TOO_LARGE) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the body was drained as far as it could be
            } else {
                x.consume();
            }
            x.error(e);
        } catch (ModelException e) {
            x.consume();
            x.error(400, e.getMessage());
        } catch (RuntimeException e) {
            x.consume();
            internal(x, request.getMethod() + " " + Request.getPathInContext(request) + " failed", e);
        }
    }

    /** Answers 500 for an exception no one expected, and logs it with its stack trace. */
    static void internal(Exchange x, String what, Throwable e) {
        LOG.error("{}: {}", what, e.toString(), e);
        x.error(500, "internal error: " + e);
    }

    private static String client(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() + ":" + i.getPort() : String.valueOf(a);
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

    /** Waits for responses still being written (at most {@code drain}), then closes the port. */
    public void stop(Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
    }
}
