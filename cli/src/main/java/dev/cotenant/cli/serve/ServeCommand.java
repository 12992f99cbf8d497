package dev.cotenant.cli.serve;

import dev.cotenant.cli.common.Common;
import dev.cotenant.gpusim.hardware.HostRuntime;
import dev.cotenant.ir.ModelException;
import dev.cotenant.sched.device.CpuDevice;
import dev.cotenant.sched.device.Device;
import dev.cotenant.sched.device.SimulatedGpu;
import dev.cotenant.sched.policy.Policy;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.access.Tls;
import dev.cotenant.server.access.Tokens;
import dev.cotenant.server.logs.LogFormat;
import dev.cotenant.server.logs.Logs;
import dev.cotenant.server.regulate.SimOutputs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", description = {"Serves a model repository over the Open Inference Protocol (REST and gRPC), with Triton's model configuration, "
        + "repository and statistics extensions, Prometheus metrics, health probes (gRPC grpc.health.v1 too) and logs on standard error.",
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

    @Option(names = "--runtime", paramLabel = "native|graph|eager|FILE", description = "sim:GPU only: the host runtime that feeds the "
            + "simulated GPU: native (default: a C++ runtime, a few microseconds per kernel), graph (CUDA graphs) or eager (a framework "
            + "dispatching every operator from host code, unfused kernels), or a runtime sheet file; see `simulate --runtime`.")
    String runtime;

    @Option(names = "--sim-outputs", paramLabel = "real|none", description = "sim:GPU only: real (default) computes every output on the host's CPU and answers at the later of the simulated end and the host's; none computes NOTHING and answers zero tensors marked simulated_outputs.")
    String simOutputs;

    @Option(names = "--policy", defaultValue = "gacer", description = "gacer (default): the regulator, also accepted as 'regulated'; or multistream (every model on its own stream, unregulated); on a simulated GPU also mps (every batch its own process, unregulated).")
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

    @Option(names = "--strict-readiness", arity = "0..1", defaultValue = "true", fallbackValue = "true", paramLabel = "true|false",
            description = "Ready (/v2/health/ready, ServerReady, grpc.health.v1) only when every model of the repository has loaded; false: ready once started (default ${DEFAULT-VALUE}).")
    boolean strictReadiness;

    @Option(names = "--drain-timeout", defaultValue = "10s", paramLabel = "TIME",
            description = "On SIGTERM or Ctrl-C: not ready at once, then queued and running requests get this long to finish (e.g. 30s, 2m) before the rest fail and the ports close (default ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Option(names = "--model-control", defaultValue = "none", paramLabel = "none|explicit",
            description = "none (default): repository load and unload answer 403 / PERMISSION_DENIED; explicit: they are allowed (to a control token, with --auth-token-file).")
    String modelControl;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "Require bearer tokens ('Authorization: Bearer TOKEN', gRPC metadata 'authorization'): one a line, 'infer TOKEN' or 'control TOKEN' (a bare TOKEN is a control token). Health probes need none.")
    Path authTokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve REST as HTTPS and gRPC over TLS with this PEM certificate (then any intermediates); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's unencrypted PEM private key (PKCS#8, or PKCS#1 RSA).")
    Path tlsKey;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json", description = "Log lines as text or as one JSON object a line, on standard error (default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--log-level", defaultValue = "info", paramLabel = "LEVEL", description = "error, warn, info (default: start-up, models, one access line per request, shutdown) or debug.")
    String logLevel;

    @Option(names = "--access-log", arity = "0..1", defaultValue = "true", fallbackValue = "true", paramLabel = "true|false",
            description = "One line per request: protocol, method, path, status, model, version, duration, queue and compute time (default ${DEFAULT-VALUE}).")
    boolean accessLog;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Logs.configure(LogFormat.parse(logFormat), Logs.level(logLevel), accessLog, System.err);
        Device dev = Device.parse(device, precision);
        if (dev instanceof CpuDevice && (simOutputs != null || runtime != null)) {
            throw new ModelException("--device cpu: " + (simOutputs != null ? "--sim-outputs" : "--runtime") + " applies only to --device sim:GPU");
        }
        if (dev instanceof SimulatedGpu g && runtime != null) {
            try {
                dev = g.withRuntime(HostRuntime.load(runtime));
            } catch (ModelException e) {
                throw new ModelException("--runtime " + runtime + ": " + e.getMessage());
            }
        }
        SimOutputs outputs = SimOutputs.parse(simOutputs);
        Policy p = servingPolicy(policy, dev);
        ServerOptions opts = ServerOptions.defaults(repo).withHost(host).withPorts(httpPort, grpcPort).withDevice(dev).withPolicy(p)
                .withMaxBodyBytes(maxBodyMb << 20).withSimOutputs(outputs)
                .withStrictReadiness(strictReadiness).withDrain(drain(drainTimeout)).withAccess(access());
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
        server.closeOnShutdown();
        server.await();
        return 0;
    }

    /** {@code --drain-timeout}: a time such as 30s, 2m or 500ms. */
    static Duration drain(String s) {
        try {
            return LoadCommand.parse(s);
        } catch (ModelException e) {
            throw new ModelException("--drain-timeout '" + s + "': expected a time such as 30s, 2m or 500ms");
        }
    }

    /** Model control, tokens and TLS from the options; TLS needs both files. */
    private Access access() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ModelException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        return new Access(ModelControl.parse(modelControl), authTokenFile == null ? Tokens.NONE : Tokens.read(authTokenFile),
                tlsCert == null ? null : Tls.read(tlsCert, tlsKey));
    }

    /** What {@code --policy} may name, for messages. */
    private static final String SERVING_POLICIES = "gacer (the regulator, also accepted as regulated) or multistream, "
            + "and on a simulated GPU mps";

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
        if (parsed.size() != 1 || !ServerOptions.serves(parsed.getFirst(), device)) {
            throw new ModelException("--policy " + spec + ": does not serve requests; expected " + SERVING_POLICIES);
        }
        return parsed.getFirst();
    }
}
