package dev.cotenant.server.front;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.server.access.Access;
import dev.cotenant.server.access.ModelControl;
import dev.cotenant.server.access.Scope;
import dev.cotenant.server.access.Tokens;
import dev.cotenant.server.metrics.Dashboard;
import dev.cotenant.server.metrics.Metrics;
import dev.cotenant.server.metrics.Sources;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.Intake;
import dev.cotenant.server.serving.ServedModel;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The REST endpoints: the protocol's ({@code /v2/...}), Triton's extensions (repository,
 * configuration, statistics), {@code /metrics} and the dashboard. Each request is first let in or
 * not by its {@link Scope}: probes are open, load and unload need a control token (and
 * {@code --model-control explicit}), everything else an inference token when tokens are required.
 */
final class RestRoutes {

    private final Intake intake;
    private final Repository repository;
    private final Sources observed;
    private final Metrics metrics;
    private final Access access;

    RestRoutes(Intake intake, Repository repository, Sources observed, Metrics metrics, Access access) {
        this.intake = intake;
        this.repository = repository;
        this.observed = observed;
        this.metrics = metrics;
        this.access = access;
    }

    void route(Exchange x) {
        String path = x.path();
        String method = x.method();
        String[] p = path.length() > 1 ? path.substring(1).split("/", -1) : new String[0];
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean post = method.equals("POST");
        admit(x, scope(p, post));
        if (p.length == 0 || p.length == 1 && p[0].equals("dashboard")) {
            if (get) {
                x.send(200, "text/html; charset=utf-8", Dashboard.page());
                return;
            }
        } else if (p.length == 1 && p[0].equals("metrics") && get) {
            x.send(200, metrics.contentType(), metrics.scrape());
            return;
        } else if (p.length == 2 && p[0].equals("dashboard") && p[1].equals("state") && get) {
            x.json(200, Dashboard.state(observed));
            return;
        } else if (p[0].equals("v2") && v2(p, get, post, x)) {
            return;
        }
        throw InferError.notFound("no endpoint " + method + " " + path);
    }

    /** What a request to path {@code p} needs: probes and the dashboard's page nothing, load and unload control, the rest inference. */
    static Scope scope(String[] p, boolean post) {
        if (p.length == 3 && p[0].equals("v2") && p[1].equals("health")) {
            return Scope.OPEN;
        }
        if (!post && (p.length == 0 || p.length == 1 && p[0].equals("dashboard"))) {
            return Scope.PAGE;
        }
        if (post && p.length == 5 && p[0].equals("v2") && p[1].equals("repository") && p[2].equals("models")
                && (p[4].equals("load") || p[4].equals("unload"))) {
            return Scope.CONTROL;
        }
        return Scope.INFER;
    }

    /** Lets the request in, or throws 401 (no or unknown token) or 403 (a token without the scope). */
    private void admit(Exchange x, Scope scope) {
        if (scope == Scope.OPEN) {
            x.access.probe();
        }
        switch (access.tokens().check(x.header(HttpHeader.AUTHORIZATION.asString()), scope)) {
            case ALLOWED -> { }
            case UNAUTHENTICATED -> throw new InferError(InferError.Kind.UNAUTHENTICATED,
                    "a bearer token is required: send 'Authorization: Bearer TOKEN' with a token of the server's --auth-token-file");
            case FORBIDDEN -> throw new InferError(InferError.Kind.FORBIDDEN, "this token may not " + x.method() + " " + x.path()
                    + ": it needs a control token");
        }
    }

    private boolean v2(String[] p, boolean get, boolean post, Exchange x) {
        if (p.length == 1 && get) {
            ObjectNode n = RestCodec.JSON.createObjectNode();
            n.put("name", Intake.NAME);
            n.put("version", Intake.VERSION);
            ArrayNode ext = n.putArray("extensions");
            Intake.EXTENSIONS.forEach(ext::add);
            x.json(200, n);
            return true;
        }
        if (p.length == 3 && p[1].equals("health") && get && (p[2].equals("live") || p[2].equals("ready"))) {
            boolean ok = p[2].equals("live") || intake.ready();
            ObjectNode n = RestCodec.JSON.createObjectNode();
            n.put(p[2], ok);
            x.json(ok ? 200 : 503, n);
            return true;
        }
        if (p.length >= 2 && p[1].equals("repository")) {
            return repository(p, post, x);
        }
        if (p.length == 3 && p[1].equals("models") && p[2].equals("stats") && get) {
            x.json(200, RestDocuments.of(repository.models()));
            return true;
        }
        if (p.length >= 3 && p[1].equals("models")) {
            return model(p, get, post, x);
        }
        return false;
    }

    /** The repository extension: {@code /v2/repository/index} and {@code /v2/repository/models/NAME/(load|unload)}. */
    private boolean repository(String[] p, boolean post, Exchange x) {
        if (p.length == 3 && p[2].equals("index") && post) {
            x.body();
            x.json(200, RestDocuments.index(repository.index()));
            return true;
        }
        if (p.length == 5 && p[2].equals("models") && post && (p[4].equals("load") || p[4].equals("unload"))) {
            x.body();
            x.access.model(p[3], null);
            checkModelControl(access.modelControl(), p[4]);
            if (p[4].equals("load")) {
                repository.load(p[3]);
            } else {
                repository.unload(p[3]);
            }
            x.json(200, RestCodec.JSON.createObjectNode());
            return true;
        }
        return false;
    }

    /** Refuses a load or unload with 403 / PERMISSION_DENIED unless model control is explicit. */
    static void checkModelControl(ModelControl control, String what) {
        if (control != ModelControl.EXPLICIT) {
            throw new InferError(InferError.Kind.FORBIDDEN, "model " + what + " is not allowed: the server runs with --model-control none "
                    + "(the models are those of the repository at start); start it with --model-control explicit to load and unload over the API");
        }
    }

    /** {@code /v2/models/NAME[/versions/V][/ready|/config|/stats|/infer]}: metadata, readiness, configuration, statistics, inference. */
    private boolean model(String[] p, boolean get, boolean post, Exchange x) {
        String model = p[2];
        String version = null;
        int rest = 3;
        if (p.length >= 5 && p[3].equals("versions")) {
            version = p[4];
            rest = 5;
        }
        String action = p.length == rest ? "" : p.length == rest + 1 ? p[rest] : null;
        if (action == null || !(action.equals("infer") ? post : get)) {
            return false;
        }
        x.access.model(model, version);
        switch (action) {
            case "" -> x.json(200, RestDocuments.metadata(repository, model, version));
            case "ready" -> ready(model, version, x);
            case "config" -> x.json(200, RestDocuments.message(repository.config(model, version)));
            case "stats" -> {
                ServedModel t = repository.find(model, version);
                x.json(200, RestDocuments.of(version == null ? repository.entry(model).versions().values() : List.of(t)));
            }
            case "infer" -> infer(model, version, x);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Whether the model is ready: loaded and the server taking requests; a model the repository never knew is not found. */
    private void ready(String model, String version, Exchange x) {
        boolean ready;
        try {
            repository.find(model, version);
            ready = intake.taking();
        } catch (InferError e) {
            if (e.kind() == InferError.Kind.NOT_FOUND && repository.entry(model) == null) {
                throw e;
            }
            ready = false;
        }
        ObjectNode n = RestCodec.JSON.createObjectNode();
        n.put("name", model);
        n.put("ready", ready);
        x.json(ready ? 200 : 400, n);
    }

    private void infer(String model, String version, Exchange x) {
        long arrived = System.nanoTime();
        byte[] body = x.body();
        ServedModel t = repository.find(model, version);
        RestCodec.Decoded d;
        try {
            d = RestCodec.decode(t, body, headerLength(x.header(RawTensors.HEADER_LENGTH)), arrived);
        } catch (InferError e) {
            t.stats().failure(e.kind(), System.nanoTime() - arrived);
            throw e;
        }
        intake.submit(d.request());
        d.request().result().whenComplete((r, e) -> {
            if (e != null) {
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (c instanceof InferError ie) {
                    x.error(ie);
                } else {
                    HttpFront.internal(x, "inference of model '" + model + "' failed", c);
                }
                return;
            }
            x.access.answered(r);
            try {
                RestCodec.Encoded enc = RestCodec.encode(t, d.request().id(), r, d.binaryOutputs(), d.binaryNames());
                if (enc.headerLength() >= 0) {
                    x.response.getHeaders().put(RawTensors.HEADER_LENGTH, Integer.toString(enc.headerLength()));
                    x.send(200, "application/octet-stream", enc.body());
                } else {
                    x.send(200, "application/json", enc.body());
                }
            } catch (RuntimeException ex) {
                HttpFront.internal(x, "encoding the response of model '" + model + "' failed", ex);
            }
        });
    }

    /** The binary extension's JSON length from its header, or -1 without the header. */
    private static int headerLength(String h) {
        if (h == null) {
            return -1;
        }
        int n;
        try {
            n = Integer.parseInt(h.trim());
        } catch (NumberFormatException e) {
            throw InferError.badRequest(RawTensors.HEADER_LENGTH + " '" + h + "' is not a number");
        }
        if (n < 0) {
            throw InferError.badRequest(RawTensors.HEADER_LENGTH + " must not be negative");
        }
        return n;
    }
}
