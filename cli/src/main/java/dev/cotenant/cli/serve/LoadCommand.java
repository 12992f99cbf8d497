package dev.cotenant.cli.serve;

import dev.cotenant.cli.common.Common;
import dev.cotenant.ir.ModelException;
import dev.cotenant.server.load.LoadGenerator;
import dev.cotenant.server.load.LoadReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "load", description = {"Sends open-loop (Poisson) or closed-loop load to a server's infer endpoint over REST or gRPC and reports per model "
        + "(with --together also per frame); a list of rates is a sweep, one run per rate.",
        "Rates: --rate 10 (every model at 10/s), --rate 10,20,40 (a sweep: three runs, every model at each rate), "
        + "--rate 5,50 with two models (one rate per model, in --model order), --rate 5,50 --rate 10,100 (a sweep of per-model rates)."})
public final class LoadCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", description = "The server: http://HOST:PORT of its REST port (default http://127.0.0.1:8000), "
            + "or with --protocol grpc HOST:PORT of its gRPC port (default 127.0.0.1:8001).")
    String url;

    @Option(names = "--protocol", defaultValue = "rest", paramLabel = "rest|grpc", description = "rest (default: the binary tensor extension) or grpc (raw_input_contents).")
    String protocol;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "A model to load (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "R[,R...]", description = "Open loop: Poisson arrivals, requests/s per model. One value: every model at it; as many values as models: "
            + "one per model; any other list: a sweep, one run per value. Repeat --rate for a sweep of per-model rates.")
    List<String> rate;

    @Option(names = "--concurrency", paramLabel = "C", description = "Closed loop: C clients per model.")
    Integer concurrency;

    @Option(names = "--together", description = "Open loop: one Poisson stream at each rate, each arrival a request to every --model at once, as a frame every model of a pipeline must see.")
    boolean together;

    @Option(names = "--frame-deadline-ms", paramLabel = "MS", description = "With --together: judge each frame by this bound, from its arrival "
            + "to its last answer; the report adds the frames complete within it and their share of the frames sent.")
    Double frameDeadlineMs;

    @Option(names = "--duration", defaultValue = "60s", description = "How long each run sends, e.g. 30s or 2m (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--batch", defaultValue = "1", description = "Samples per request for batching models (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of arrivals and inputs (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--slo-ms", paramLabel = "NAME=MS", description = "Judge a model's answers by a latency bound, e.g. resnet18=500 (repeatable): the report adds the answers per second within it.")
    List<String> slos = new ArrayList<>();

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "Send the first token of FILE as a bearer token (the server's --auth-token-file format, or a file holding just the token).")
    Path tokenFile;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "Speak TLS and trust only the PEM certificate(s) in FILE, e.g. the "
            + "server's --tls-cert (REST: give --url https://HOST:PORT; gRPC: a TLS channel). Without it gRPC is plaintext and https:// "
            + "trusts the JDK's authorities.")
    Path caCert;

    @Option(names = "--json", description = "Print the report as JSON (a sweep: {\"sweep\": [run, ...]}).")
    boolean json;

    @Option(names = "--csv", description = "Print the report as CSV: a header, then one line per run and model.")
    boolean csv;

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
        if (json && csv) {
            throw new ModelException("give at most one of --json and --csv");
        }
        if (concurrency != null && concurrency < 1 || batch < 1) {
            throw new ModelException("--concurrency and --batch must be at least 1");
        }
        if (frameDeadlineMs != null && (!(frameDeadlineMs > 0) || frameDeadlineMs.isInfinite())) {
            throw new ModelException(LoadGenerator.FRAME_DEADLINE_POSITIVE + frameDeadlineMs);
        }
        if (frameDeadlineMs != null && !together) {
            throw new ModelException(LoadGenerator.FRAME_DEADLINE_TOGETHER);
        }
        LoadGenerator.Protocol p = LoadGenerator.Protocol.parse(protocol);
        String target = url != null ? url.replaceAll("/+$", "") : p == LoadGenerator.Protocol.REST ? "http://127.0.0.1:8000" : "127.0.0.1:8001";
        LoadGenerator.Options base = new LoadGenerator.Options(target, p, models, List.of(), concurrency == null ? 0 : concurrency,
                parse(duration), batch, seed, together, bounds(slos), tokenFile == null ? null : token(tokenFile), caCert,
                frameDeadlineMs == null ? 0 : frameDeadlineMs);
        List<List<Double>> steps = rate == null ? List.of(List.of()) : steps(rate, models.size());
        List<LoadReport.Step> done = new ArrayList<>();
        for (List<Double> rates : steps) {
            LoadGenerator.Options opts = base.withRates(rates);
            try (LoadGenerator g = new LoadGenerator(opts)) {
                List<LoadGenerator.ModelReport> reports = g.run();
                done.add(new LoadReport.Step(opts, reports, g.frames()));
            }
        }
        o.print(json ? LoadReport.json(done) + "\n" : csv ? LoadReport.csv(done) : LoadReport.table(done));
        o.flush();
        return 0;
    }

    /**
     * The runs the {@code --rate} values ask for, each as per-model rates (see the option): one
     * occurrence of one value, or of one value per model, is one run; one occurrence of any other
     * list is a sweep of that list; several occurrences are a sweep of one run each.
     */
    static List<List<Double>> steps(List<String> occurrences, int models) {
        List<List<Double>> parsed = new ArrayList<>();
        for (String occurrence : occurrences) {
            List<Double> values = new ArrayList<>();
            for (String v : occurrence.split(",")) {
                double r;
                try {
                    r = Double.parseDouble(v.strip());
                } catch (NumberFormatException e) {
                    throw new ModelException("--rate '" + occurrence + "': expected requests per second, e.g. 10 or 10,20,40");
                }
                if (!(r > 0) || Double.isInfinite(r)) {
                    throw new ModelException("--rate '" + occurrence + "': every rate must be a positive number of requests per second");
                }
                values.add(r);
            }
            parsed.add(values);
        }
        List<List<Double>> steps = new ArrayList<>();
        if (parsed.size() == 1 && parsed.getFirst().size() != 1 && parsed.getFirst().size() != models) {
            for (double r : parsed.getFirst()) {
                steps.add(Collections.nCopies(models, r));
            }
            return steps;
        }
        if (parsed.size() == 1 && models > 1 && parsed.getFirst().size() == models) {
            return List.of(parsed.getFirst());
        }
        for (List<Double> values : parsed) {
            if (values.size() == 1) {
                steps.add(Collections.nCopies(models, values.getFirst()));
            } else if (values.size() == models) {
                steps.add(values);
            } else {
                throw new ModelException("--rate '" + String.join(",", values.stream().map(String::valueOf).toList()) + "' has " + values.size()
                        + " values for " + models + " models: in a sweep of several --rate, each gives one rate for every model or one per model");
            }
        }
        return steps;
    }

    /** The first token of {@code file}: a line's last word, so a server's token file ({@code infer TOKEN}) and a bare token both work. */
    static String token(Path file) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    String[] w = l.split("\\s+");
                    return w[w.length - 1];
                }
            }
        } catch (IOException e) {
            throw new ModelException("--auth-token-file " + file + ": cannot read: " + e.getMessage());
        }
        throw new ModelException("--auth-token-file " + file + " holds no token");
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
