package dev.cotenant.server.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cotenant.ir.ModelException;
import dev.cotenant.ir.Tensor;
import dev.cotenant.server.protocol.Datatype;
import dev.cotenant.server.protocol.RawTensors;
import dev.cotenant.server.protocol.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * The REST transport: {@code GET /v2/models/M} for the inputs, then {@code POST .../infer} with the
 * binary-data extension (a JSON header, then the raw tensors), asking for binary outputs. A 503 is
 * a refusal (queue full, SLO, shutting down); any other status or a failed connection is an error.
 */
final class RestTransport implements Transport<HttpRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String authorization;
    private final HttpClient client;

    /** A transport to {@code url} ({@code http[s]://host:port}); {@code token} null for none, {@code tls} null for the JDK's trust. */
    RestTransport(String url, String token, SSLContext tls) {
        this.url = url.replaceAll("/+$", "");
        this.authorization = token == null ? null : "Bearer " + token;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        this.client = (tls == null ? b : b.sslContext(tls)).build();
    }

    @Override
    public String target() {
        return url;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    @Override
    public List<TensorSpec> inputs(String model) {
        HttpResponse<byte[]> r;
        try {
            r = client.send(request("/v2/models/" + model).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ModelException("cannot reach " + url + ": " + Transport.describe(e) + " (is `cotenant serve` running there?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted while asking " + url + " for model '" + model + "'");
        }
        JsonNode meta;
        try {
            meta = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ModelException(url + " answered HTTP " + r.statusCode() + " with no JSON for model '" + model + "': is it an inference server?");
        }
        if (r.statusCode() != 200) {
            throw new ModelException("model '" + model + "': " + meta.path("error").asText("HTTP " + r.statusCode()));
        }
        List<TensorSpec> out = new ArrayList<>();
        for (JsonNode in : meta.path("inputs")) {
            long[] shape = new long[in.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.path("shape").get(i).asLong();
            }
            String name = in.path("name").asText();
            out.add(new TensorSpec(name, Datatype.parse(in.path("datatype").asText(), "input '" + name + "'"), shape));
        }
        return out;
    }

    @Override
    public HttpRequest prepare(String model, List<TensorSpec> specs, List<Tensor> tensors, List<long[]> shapes) {
        ObjectNode req = JSON.createObjectNode();
        ArrayNode inputs = req.putArray("inputs");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int i = 0; i < specs.size(); i++) {
            byte[] b = RawTensors.encode(tensors.get(i));
            raw.writeBytes(b);
            ObjectNode o = inputs.addObject();
            o.put("name", specs.get(i).name());
            o.put("datatype", specs.get(i).datatype().name());
            ArrayNode sh = o.putArray("shape");
            for (long d : shapes.get(i)) {
                sh.add(d);
            }
            o.putObject("parameters").put("binary_data_size", b.length);
        }
        req.putObject("parameters").put("binary_data_output", true);
        byte[] json = req.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + raw.size());
        body.writeBytes(json);
        body.writeBytes(raw.toByteArray());
        return request("/v2/models/" + model + "/infer")
                .header("Content-Type", "application/octet-stream")
                .header(RawTensors.HEADER_LENGTH, Integer.toString(json.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    @Override
    public CompletableFuture<Outcome> send(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
            if (e != null) {
                return new Outcome(Kind.ERROR, Transport.describe(e));
            }
            if (r.statusCode() == 200) {
                return Outcome.OK;
            }
            String said;
            try {
                said = JSON.readTree(r.body()).path("error").asText("");
            } catch (IOException x) {
                said = "";
            }
            String problem = "HTTP " + r.statusCode() + (said.isEmpty() ? "" : ": " + said);
            return new Outcome(r.statusCode() == 503 ? Kind.REJECTED : Kind.ERROR, problem);
        });
    }

    @Override
    public void close() {
        client.close();
    }
}
