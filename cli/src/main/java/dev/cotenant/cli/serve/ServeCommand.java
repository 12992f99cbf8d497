package dev.cotenant.cli.serve;

import dev.cotenant.cli.common.Common;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import dev.cotenant.server.regulate.SimOutputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = {"Serves a model repository over the Open Inference Protocol (REST and gRPC).",
        "WARNING: with --device sim:GPU --sim-outputs none the server DOES NOT COMPUTE OUTPUTS: every answer holds zero tensors "
        + "of the right shape and datatype, marked \"simulated_outputs\": true in its parameters. Use it only to study "
        + "serving at GPU speed, never to get results."})
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "Model repository: DIR/<model>/<version>/model.onnx, optional DIR/<model>/config.pbtxt.")
    Path repo;

    @Option(names = "--http-port", defaultValue = "8000", description = "REST port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpPort;

    @Option(names = "--grpc-port", defaultValue = "8001", description = "gRPC port (default ${DEFAULT-VALUE}; 0 picks a free one; -1 turns gRPC off).")
    int grpcPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or sim:GPU, a simulated GPU: a built-in sheet (h200, h100, a100, v100, l4, t4) or a .gpu sheet file. Requests complete when the simulated GPU would have finished them.")
    String device;

    @Option(names = "--precision", description = "sim:GPU only: the arithmetic kernels are lowered for, fp16 (default), tf32 or fp32.")
    String precision;

    @Option(names = "--sim-outputs", paramLabel = "real|none", description = "sim:GPU only: real (default) computes every output on the host's CPU and answers at the later of the simulated end and the host's; none computes NOTHING and answers zero tensors marked simulated_outputs.")
    String simOutputs;

    @Option(names = "--policy", defaultValue = "gacer", description = "gacer (default): the regulator, also accepted as 'regulated'; or multistream (every model on its own stream, unregulated).")
    String policy;

    @Option(names = "--cores", description = "Cores the scheduler hands out (default: all).")
    Integer cores;

    @Option(names = "--concurrency", description = "Regulator: batch threads running at once (default: twice the cores).")
    Integer concurrency;

    @Option(names = "--search-budget", paramLabel = "SECONDS", description = "CPU regulator: seconds of co-location search (gacer, measured on the serving cores) for a mix of ready batches that keeps coming up; its rounds then run under the schedule found (default: "
            + ServerOptions.DEFAULT_SEARCH_SECONDS + "; 0 keeps every round on the safe policy).")
    Double searchBudget;

    @Option(names = "--warmup-runs", paramLabel = "N", description = "Runs of every plan (each batch size and thread count) on zero inputs when a model loads, before it is ready, so first requests do not run cold kernels (default: "
            + ServerOptions.DEFAULT_WARMUP_RUNS + "; 0 for none).")
    Integer warmupRuns;

    @Option(names = "--max-body-mb", defaultValue = "64", description = "Largest request body in MiB (default ${DEFAULT-VALUE}).")
    long maxBodyMb;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        Device dev = Device.parse(device, precision);
        if (dev instanceof CpuDevice && simOutputs != null) {
            throw new ModelException("--device cpu: --sim-outputs applies only to --device sim:GPU");
        }
        SimOutputs outputs = SimOutputs.parse(simOutputs);
        Policy p = servingPolicy(policy, dev);
        ServerOptions opts = ServerOptions.defaults(repo).withHost(host).withPorts(httpPort, grpcPort).withPolicy(p)
                .withMaxBodyBytes(maxBodyMb << 20).withDevice(dev).withSimOutputs(outputs);
        if (cores != null) {
            opts = opts.withCores(cores);
        }
        if (concurrency != null) {
            opts = opts.withConcurrency(concurrency);
        }
        if (warmupRuns != null) {
            if (warmupRuns < 0) {
                throw new ModelException("--warmup-runs " + warmupRuns + ": expected 0 or more");
            }
            opts = opts.withWarmupRuns(warmupRuns);
        }
        if (searchBudget != null) {
            if (!(searchBudget >= 0)) {
                throw new ModelException("--search-budget " + searchBudget + ": expected 0 or more seconds");
            }
            opts = opts.withSearchBudget(searchBudget);
        }
        Server server = Server.start(opts);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cotenant-shutdown"));
        for (String line : server.describeModels()) {
            o.println("model " + line);
        }
        o.printf(Locale.ROOT, "serving %s on http://%s:%d (gRPC %s), device %s, policy %s, %d cores, concurrency %d; dashboard at http://%s:%d/dashboard%n",
                repo, host, server.httpPort(), server.grpcPort() < 0 ? "off" : host + ":" + server.grpcPort(),
                opts.describeDevice(), p.name(), opts.cores(), opts.concurrency(), host, server.httpPort());
        if (outputs == SimOutputs.NONE) {
            o.println("WARNING: --sim-outputs none: outputs are NOT computed; every answer is zero tensors marked \"simulated_outputs\": true");
        }
        o.flush();
        server.await();
        return 0;
    }

    /** What {@code --policy} may name, for messages. */
    private static final String SERVING_POLICIES = "gacer (the regulator, also accepted as regulated) or multistream";

    /**
     * Parses {@code --policy} once, here at the edge: {@code gacer} (or its old name
     * {@code regulated}) or {@code multistream}. A policy that exists but does not serve
     * (sequential, timeslice, ...) is refused with the choices, as is an unknown name.
     */
    static Policy servingPolicy(String spec, Device device) {
        String name = spec.strip().toLowerCase(Locale.ROOT);
        List<Policy> parsed;
        try {
            parsed = Policy.parse(name.equals("regulated") ? "gacer" : name, device, 1);
        } catch (ModelException e) {
            throw new ModelException("--policy " + spec + ": expected " + SERVING_POLICIES);
        }
        if (parsed.size() != 1 || !ServerOptions.serves(parsed.getFirst())) {
            throw new ModelException("--policy " + spec + ": does not serve requests; expected " + SERVING_POLICIES);
        }
        return parsed.getFirst();
    }
}
