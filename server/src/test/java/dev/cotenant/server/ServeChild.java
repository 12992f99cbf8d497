package dev.cotenant.server;

import dev.cotenant.server.logs.LogFormat;
import dev.cotenant.server.logs.Logs;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server in a process of its own, as {@code cotenant serve} runs it, for the tests that send it
 * signals ({@link LifecycleTest}): arguments REPO HTTP_PORT GRPC_PORT DRAIN_SECONDS WARMUP_RUNS. It
 * logs text at INFO to standard error, closes on SIGTERM through {@link Server#closeOnShutdown},
 * and prints {@code serving} on standard output once it has started.
 */
public final class ServeChild {

    private ServeChild() {}

    public static void main(String[] args) throws Exception {
        Logs.configure(LogFormat.TEXT, "info", true, System.err);
        ServerOptions o = Fixtures.options(Path.of(args[0])).withPorts(Integer.parseInt(args[1]), Integer.parseInt(args[2]))
                .withDrain(Duration.ofSeconds(Long.parseLong(args[3]))).withWarmupRuns(Integer.parseInt(args[4]));
        Server s = Server.start(o);
        s.closeOnShutdown();
        System.out.println("serving");
        System.out.flush();
        s.await();
    }
}
