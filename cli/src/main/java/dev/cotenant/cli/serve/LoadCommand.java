package dev.cotenant.cli.serve;

import dev.cotenant.cli.common.Common;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.protocol.LoadGenerator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "load", description = "Sends open-loop (Poisson) or closed-loop load to a server's infer endpoint and reports per model.")
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "Server URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "A model to load (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "R[,R...]", split = ",", description = "Open loop: Poisson arrivals at R requests/s per model; one value for every model or one per --model, in order.")
    List<Double> rate;

    @Option(names = "--concurrency", paramLabel = "C", description = "Closed loop: C clients per model.")
    Integer concurrency;

    @Option(names = "--together", description = "Open loop: one Poisson stream at --rate (one value), each arrival a request to every --model at once, as a frame every model of a pipeline must see.")
    boolean together;

    @Option(names = "--duration", defaultValue = "60s", description = "How long to send, e.g. 30s or 2m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--batch", defaultValue = "1", description = "Samples per request for batching models (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of arrivals and inputs (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--slo-ms", paramLabel = "NAME=MS", description = "Judge a model's answers by a latency bound, e.g. resnet18=500 (repeatable): the report adds the answers per second within it.")
    List<String> slos = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        if ((rate == null) == (concurrency == null)) {
            throw new ModelException("give exactly one of --rate R (open loop) and --concurrency C (closed loop)");
        }
        if (rate != null && rate.stream().anyMatch(r -> !(r > 0)) || concurrency != null && concurrency < 1 || batch < 1) {
            throw new ModelException("--rate must be positive, --concurrency and --batch at least 1");
        }
        List<Double> rates = rate == null ? List.of() : rate.size() == 1 ? java.util.Collections.nCopies(models.size(), rate.getFirst()) : rate;
        LoadGenerator.Options opts = new LoadGenerator.Options(url.replaceAll("/+$", ""), models, rates,
                concurrency == null ? 0 : concurrency, parse(duration), batch, seed, together, bounds(slos));
        List<LoadGenerator.ModelReport> reports = new LoadGenerator(opts).run();
        o.print(json ? LoadGenerator.json(opts, reports) + "\n" : LoadGenerator.table(reports));
        o.flush();
        return 0;
    }

    /** {@code NAME=MS} pairs as a map; a malformed one is an error naming it. */
    static Map<String, Double> bounds(List<String> pairs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            double ms;
            try {
                ms = eq > 0 ? Double.parseDouble(p.substring(eq + 1)) : Double.NaN;
            } catch (NumberFormatException e) {
                ms = Double.NaN;
            }
            if (Double.isNaN(ms)) {
                throw new ModelException("--slo-ms '" + p + "': expected NAME=MS, e.g. resnet18=500");
            }
            out.put(p.substring(0, eq), ms);
        }
        return out;
    }

    static Duration parse(String s) {
        try {
            String t = s.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            }
            return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new ModelException("--duration '" + s + "': expected a time such as 60s, 2m or 500ms");
        }
    }
}
