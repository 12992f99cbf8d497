package dev.cotenant.conformance;

import java.util.List;

/** The results of a conformance run, with a text form for people and a JSON form for tools. */
public record Report(List<CaseResult> cases) {

    public Report {
        cases = List.copyOf(cases);
    }

    public long passed() {
        return count(CaseResult.Status.PASSED);
    }

    public long failed() {
        return count(CaseResult.Status.FAILED);
    }

    public long skipped() {
        return count(CaseResult.Status.SKIPPED);
    }

    private long count(CaseResult.Status s) {
        return cases.stream().filter(c -> c.status() == s).count();
    }

    /** One line per failed or skipped case, then {@code N passed, N failed, N skipped}. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (CaseResult c : cases) {
            if (c.status() != CaseResult.Status.PASSED) {
                b.append(c.status().name()).append(' ').append(c.name()).append(": ").append(c.reason()).append('\n');
            }
        }
        return b.append(summary()).append('\n').toString();
    }

    public String summary() {
        return passed() + " passed, " + failed() + " failed, " + skipped() + " skipped";
    }

    /** {@code {"passed":N,"failed":N,"skipped":N,"cases":[{"name":..,"status":..,"reason":..}]}}. */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\"passed\":").append(passed()).append(",\"failed\":").append(failed())
                .append(",\"skipped\":").append(skipped()).append(",\"cases\":[");
        for (int i = 0; i < cases.size(); i++) {
            CaseResult c = cases.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"name\":");
            string(b, c.name());
            b.append(",\"status\":");
            string(b, c.status().label());
            b.append(",\"reason\":");
            string(b, c.reason());
            b.append('}');
        }
        return b.append("]}").toString();
    }

    /** A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        b.append('"');
    }
}
