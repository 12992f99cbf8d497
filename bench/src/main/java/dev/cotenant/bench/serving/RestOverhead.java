package dev.cotenant.bench.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cotenant.ir.DataType;
import dev.cotenant.ir.GraphBuilder;
import dev.cotenant.ir.Tensor;
import dev.cotenant.onnx.OnnxExport;
import dev.cotenant.server.Server;
import dev.cotenant.server.ServerOptions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark: what the REST path adds to an in-process call on a tiny model. Both sides go through
 * the same admission, queue, regulator and plan; the REST side adds the loopback connection, HTTP
 * parsing and the JSON codec. The client is a bare keep-alive HTTP/1.1 socket, so client-library
 * overhead is not charged to the server. Sides alternate in rounds after a warm-up; the result is
 * the median over rounds of each side's median. Run, with the bench module's classes and its
 * dependencies on the class path:
 * {@code java --add-modules=jdk.incubator.vector -XX:+UseParallelGC -cp ... dev.cotenant.bench.serving.RestOverhead [rounds] [calls-per-round]}.
 */
public final class RestOverhead {

    private RestOverhead() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path repo = Files.createTempDirectory("rest-overhead");
        GraphBuilder g = new GraphBuilder("tiny", 7);
        String x = g.input("x", DataType.FLOAT, new int[] {-1, 16}, "batch");
        g.nodeNamed("y", "Relu", List.of(g.node("Add", x, g.normal("b", 0.1f, 16))), Map.of());
        g.output("y.out");
        Path file = repo.resolve("tiny").resolve("1").resolve("model.onnx");
        Files.createDirectories(file.getParent());
        OnnxExport.write(g.model(17), file);
        Files.writeString(repo.resolve("tiny").resolve("config.pbtxt"), "max_batch_size: 8");
        float[] values = new float[16];
        for (int i = 0; i < 16; i++) {
            values[i] = i * 0.5f - 3;
        }
        Map<String, Object> body = Map.of("inputs", List.of(Map.of("name", "x", "shape", List.of(1, 16), "datatype", "FP32", "data", values)));
        byte[] json = new ObjectMapper().writeValueAsBytes(body);
        try (Server server = Server.start(ServerOptions.defaults(repo).withPorts(0, -1));
             Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            socket.setTcpNoDelay(true);
            byte[] request = ("POST /v2/models/tiny/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] whole = new byte[request.length + json.length];
            System.arraycopy(request, 0, whole, 0, request.length);
            System.arraycopy(json, 0, whole, request.length, json.length);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Map<String, Tensor> inputs = Map.of("x", Tensor.of(values, 1, 16));
            long[] rest = new long[calls];
            long[] local = new long[calls];
            for (int w = 0; w < 3; w++) {
                measureLocal(server, inputs, local);
                measureRest(out, in, whole, rest);
            }
            double[] restMedians = new double[rounds];
            double[] localMedians = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                measureLocal(server, inputs, local);
                measureRest(out, in, whole, rest);
                localMedians[r] = median(local);
                restMedians[r] = median(rest);
                System.out.printf(Locale.ROOT, "round %d: in-process p50 %.1f us, REST p50 %.1f us, added %.1f us%n", r + 1,
                        localMedians[r] / 1e3, restMedians[r] / 1e3, (restMedians[r] - localMedians[r]) / 1e3);
            }
            double l = median(localMedians);
            double rr = median(restMedians);
            System.out.printf(Locale.ROOT, "tiny model, %d rounds x %d calls: in-process p50 %.1f us, REST p50 %.1f us, REST adds %.1f us (median of rounds)%n",
                    rounds, calls, l / 1e3, rr / 1e3, (rr - l) / 1e3);
        }
    }

    private static void measureLocal(Server server, Map<String, Tensor> inputs, long[] samples) throws Exception {
        for (int i = 0; i < samples.length; i++) {
            long t0 = System.nanoTime();
            server.infer("tiny", "", inputs).get();
            samples[i] = System.nanoTime() - t0;
        }
    }

    private static void measureRest(OutputStream out, InputStream in, byte[] request, long[] samples) throws IOException {
        for (int i = 0; i < samples.length; i++) {
            long t0 = System.nanoTime();
            out.write(request);
            out.flush();
            readResponse(in);
            samples[i] = System.nanoTime() - t0;
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length body; fails on anything but 200. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 1) == '\n') {
                break;
            }
        }
        String h = head.toString();
        if (!h.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected response: " + h);
        }
        int length = -1;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("short body");
        }
    }

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
