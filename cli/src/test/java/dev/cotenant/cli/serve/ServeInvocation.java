package dev.cotenant.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cotenant.cli.Main;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.logs.LogFormat;
import dev.cotenant.server.logs.Logs;
import dev.cotenant.server.regulate.SimOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * What a manifest's container runs, as {@code cotenant serve} reads it: its {@code command} and
 * {@code args} parsed by the CLI's own picocli tree (unknown options, bad numbers and a missing
 * {@code --repo} fail there), then each value put through the parser {@link ServeCommand#call}
 * puts it through, without starting a server. The checks that need the files themselves (the
 * tokens, the certificate) are left to the server at start: the files live in the cluster.
 */
record ServeInvocation(List<String> argv, Path repo, String host, int httpPort, int grpcPort, Duration drain, Integer cores,
        Path tokenFile, Path tlsCert, Path tlsKey) {

    /**
     * The entrypoint the manifests assume when a container sets no {@code command}: the image runs
     * {@code cotenant serve}, so {@code args} are serve's options.
     */
    static final List<String> IMAGE_ENTRYPOINT = List.of("cotenant", "serve");

    boolean tls() {
        return tlsCert != null;
    }

    /**
     * The container's invocation, or an {@link IllegalArgumentException} saying why
     * {@code cotenant serve} would refuse it.
     */
    static ServeInvocation of(JsonNode container) {
        List<String> argv = argv(container);
        CommandLine.ParseResult parsed;
        try {
            parsed = new CommandLine(new Main()).parseArgs(argv.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("cotenant " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        if (!parsed.hasSubcommand() || !parsed.subcommand().commandSpec().name().equals("serve")) {
            throw new IllegalArgumentException("cotenant " + String.join(" ", argv) + ": not the serve command");
        }
        if (parsed.subcommand().isUsageHelpRequested() || parsed.subcommand().isVersionHelpRequested()) {
            throw new IllegalArgumentException("cotenant " + String.join(" ", argv) + ": prints help and exits instead of serving");
        }
        ServeCommand c = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        try {
            return validated(argv, c);
        } catch (ModelException e) {
            throw new IllegalArgumentException("cotenant " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    /** The program's arguments after its name: the command's rest, then args; the image's entrypoint when there is no command. */
    private static List<String> argv(JsonNode container) {
        List<String> command = strings(container.path("command"));
        List<String> argv = new ArrayList<>();
        if (command.isEmpty()) {
            argv.addAll(IMAGE_ENTRYPOINT.subList(1, IMAGE_ENTRYPOINT.size()));
        } else {
            String program = command.getFirst();
            if (!program.equals("cotenant") && !program.endsWith("/cotenant")) {
                throw new IllegalArgumentException("command " + command + ": expected the cotenant launcher first");
            }
            argv.addAll(command.subList(1, command.size()));
        }
        argv.addAll(strings(container.path("args")));
        return argv;
    }

    static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The values serve's {@code call} checks before it starts a server, checked by the same parsers. */
    private static ServeInvocation validated(List<String> argv, ServeCommand c) {
        Device device = Device.parse(c.device, c.precision);
        if (device instanceof CpuDevice && c.simOutputs != null) {
            throw new ModelException("--device cpu: --sim-outputs applies only to --device sim:GPU");
        }
        SimOutputs.parse(c.simOutputs);
        ServeCommand.servingPolicy(c.policy, device);
        LogFormat.parse(c.logFormat);
        Logs.level(c.logLevel);
        ModelControl.parse(c.modelControl);
        Duration drain = ServeCommand.drain(c.drainTimeout);
        if (drain.isNegative()) {
            throw new ModelException("--drain-timeout " + c.drainTimeout + ": expected 0 or more");
        }
        if ((c.tlsCert == null) != (c.tlsKey == null)) {
            throw new ModelException(c.tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        if (c.cores != null && c.cores < 1) {
            throw new ModelException("--cores " + c.cores + ": expected 1 or more");
        }
        if (c.warmupRuns != null && c.warmupRuns < 0 || c.searchBudget != null && !(c.searchBudget >= 0)) {
            throw new ModelException("--warmup-runs and --search-budget: expected 0 or more");
        }
        // 0 would make the server pick a free port that no Service or probe could name.
        if (c.httpPort < 1 || c.httpPort > 65535 || c.grpcPort != -1 && (c.grpcPort < 1 || c.grpcPort > 65535)) {
            throw new ModelException("--http-port " + c.httpPort + ", --grpc-port " + c.grpcPort
                    + ": a manifest needs fixed ports (1-65535; -1 turns gRPC off)");
        }
        return new ServeInvocation(List.copyOf(argv), c.repo, c.host, c.httpPort, c.grpcPort, drain, c.cores,
                c.authTokenFile, c.tlsCert, c.tlsKey);
    }
}
