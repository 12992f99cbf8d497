package dev.cotenant.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in headless Chromium against a live server under a little load: it loads,
 * polls and re-renders, lists the model, and the browser reports no console message at all (the
 * page logs nothing on success, so any console line is an error or a failed resource). A control
 * page with a deliberate error proves the console check can fail.
 */
class DashboardTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    record Page(String dom, List<String> console) {}

    private static Page browse(String url, Path profile, int virtualMs) throws IOException, InterruptedException {
        Path dom = Files.createTempFile("dashboard", ".html");
        Path err = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=" + virtualMs,
                "--dump-dom", url)
                .redirectOutput(dom.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        List<String> console = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> l.contains(":CONSOLE")).toList();
        String html = Files.readString(dom, StandardCharsets.UTF_8);
        Files.deleteIfExists(dom);
        Files.deleteIfExists(err);
        return new Page(html, console);
    }

    @Test
    void thePageLoadsUpdatesAndLogsNoErrors(@TempDir Path repo, @TempDir Path profile, @TempDir Path control) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = "SKIPPED: dashboard browser test needs " + CHROMIUM + " (Debian package 'chromium'); it is not installed here";
            System.err.println("\n*** " + why + " ***\n");
            Assumptions.abort(why);
        }
        Path bad = control.resolve("bad.html");
        Files.writeString(bad, "<html><body><script>undefinedFunction();</script></body></html>");
        assertFalse(browse(bad.toUri().toString(), control.resolve("profile"), 500).console().isEmpty(),
                "the console check must see a deliberate error");

        Fixtures.put(repo, "tiny", Fixtures.tiny(), null);
        try (Server s = Server.start(Fixtures.options(repo))) {
            Thread traffic = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        Fixtures.post(s, "/v2/models/tiny/infer", Fixtures.tinyBody());
                        Thread.sleep(40);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Page page = browse("http://127.0.0.1:" + s.httpPort() + "/dashboard", profile, 2500);
            traffic.join();
            assertEquals(List.of(), page.console(), "browser console");
            Matcher m = Pattern.compile("data-updates=\"(\\d+)\"").matcher(page.dom());
            assertTrue(m.find(), "summary element missing: " + page.dom());
            assertTrue(Integer.parseInt(m.group(1)) >= 2, "the page re-rendered " + m.group(1) + " time(s)");
            assertTrue(page.dom().contains("<td>tiny</td>"), "the model table lists tiny");
            assertTrue(page.dom().contains("<div id=\"errors\"></div>"), "the page shows an error: " + page.dom());
            assertTrue(page.dom().contains("policy regulated"), page.dom());
        }
    }
}
