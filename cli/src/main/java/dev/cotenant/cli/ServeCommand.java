package dev.cotenant.cli;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = "Serves a model repository over the Open Inference Protocol (REST and gRPC).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "Model repository: DIR/<model>/<version>/model.onnx, optional DIR/<model>/config.pbtxt.")
    Path repo;

    @Option(names = "--http-port", defaultValue = "8000", description = "REST port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpPort;

    @Option(names = "--grpc-port", defaultValue = "8001", description = "gRPC port (default ${DEFAULT-VALUE}; 0 picks a free one; -1 turns gRPC off).")
    int grpcPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--device", defaultValue = "cpu", description = "Device to serve on (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--policy", defaultValue = "regulated", description = "regulated (default) or multistream (every model on its own thread, unregulated).")
    String policy;

    @Option(names = "--cores", description = "Cores the scheduler hands out (default: all).")
    Integer cores;

    @Option(names = "--concurrency", description = "Regulator: batch threads running at once (default: twice the cores).")
    Integer concurrency;

    @Option(names = "--max-body-mb", defaultValue = "64", description = "Largest request body in MiB (default ${DEFAULT-VALUE}).")
    long maxBodyMb;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        if (!device.equals("cpu")) {
            throw new ModelException("--device " + device + ": this build serves on the CPU only (--device cpu)");
        }
        ServerOptions.Policy p = switch (policy.toLowerCase(Locale.ROOT)) {
            case "regulated" -> ServerOptions.Policy.REGULATED;
            case "multistream" -> ServerOptions.Policy.MULTISTREAM;
            default -> throw new ModelException("--policy " + policy + ": expected regulated or multistream");
        };
        ServerOptions opts = ServerOptions.defaults(repo).withHost(host).withPorts(httpPort, grpcPort).withPolicy(p)
                .withMaxBodyBytes(maxBodyMb << 20);
        if (cores != null) {
            opts = opts.withCores(cores);
        }
        if (concurrency != null) {
            opts = opts.withConcurrency(concurrency);
        }
        Server server = Server.start(opts);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cotenant-shutdown"));
        for (String line : server.describeModels()) {
            o.println("model " + line);
        }
        o.printf(Locale.ROOT, "serving %s on http://%s:%d (gRPC %s), policy %s, %d cores, concurrency %d; dashboard at http://%s:%d/dashboard%n",
                repo, host, server.httpPort(), server.grpcPort() < 0 ? "off" : host + ":" + server.grpcPort(),
                policy, opts.cores(), opts.concurrency(), host, server.httpPort());
        o.flush();
        server.await();
        return 0;
    }
}
