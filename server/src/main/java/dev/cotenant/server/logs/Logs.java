package dev.cotenant.server.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.cotenant.ir.ModelException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up the process's logs: one appender writing text or JSON lines to a stream (standard error
 * for a command), a level, the libraries' own chatter held to warnings (Jetty's start-up banner,
 * Netty's) and grpc-java's {@code java.util.logging} records brought into the same stream.
 *
 * <p>Text lines read {@code 2026-12-07T10:15:02.114Z INFO  Server: ready ...}, with the line's
 * key-value pairs after the message ({@code model=tiny status=200}); JSON lines are
 * {@link JsonLines}. The access log (one line per request) is the logger {@link #ACCESS}, at INFO.
 */
public final class Logs {

    /** The access log's logger: one INFO line per request, REST and gRPC. */
    public static final String ACCESS = "dev.cotenant.server.access";

    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}: %msg%replace( %kvp{NONE}){'^ $', ''}%n";

    /** Libraries whose INFO lines say nothing a server operator needs. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "io.grpc", "io.netty", "io.grpc.netty.shaded.io.netty");

    private Logs() {}

    /** The level a {@code --log-level} names: error, warn, info, debug or trace. */
    public static String level(String s) {
        String l = s.strip().toLowerCase(Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug", "trace").contains(l)) {
            throw new ModelException("--log-level '" + s + "': expected error, warn, info, debug or trace");
        }
        return l;
    }

    /**
     * Replaces whatever logging was set up: lines in {@code format} at {@code level} and above
     * (a name {@link #level} accepts) to {@code out}; {@code accessLog} false silences the access log.
     */
    public static void configure(LogFormat format, String level, boolean accessLog, OutputStream out) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), format, level, accessLog, out);
    }

    /** {@link #configure(LogFormat, String, boolean, OutputStream)} of {@code ctx} (while Logback starts, the factory is not ready yet). */
    static void configure(LoggerContext ctx, LogFormat format, String level, boolean accessLog, OutputStream out) {
        ctx.reset();
        LevelChangePropagator jul = new LevelChangePropagator();
        jul.setContext(ctx);
        jul.setResetJUL(true);
        jul.start();
        ctx.addListener(jul);
        Encoder<ILoggingEvent> encoder = switch (format) {
            case TEXT -> {
                PatternLayoutEncoder p = new PatternLayoutEncoder();
                p.setPattern(TEXT_PATTERN);
                yield p;
            }
            case JSON -> new JsonLines();
        };
        encoder.setContext(ctx);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setName(format.name().toLowerCase(Locale.ROOT));
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        // The stream is the caller's (standard error, most often): the appender is stopped at the
        // next reconfiguration, and must not close it then.
        appender.setOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        appender.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level(level), Level.INFO));
        root.addAppender(appender);
        for (String q : QUIET) {
            ctx.getLogger(q).setLevel(Level.WARN);
        }
        if (!accessLog) {
            ctx.getLogger(ACCESS).setLevel(Level.WARN);
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** Text lines at INFO to standard error: what every command starts with ({@link DefaultLogs}). */
    public static void defaults() {
        defaults((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    static void defaults(LoggerContext ctx) {
        configure(ctx, LogFormat.TEXT, "info", true, System.err);
    }
}
